/**
 * Math functions with the semantics of the C++ standard library that correctionlib calls,
 * where JavaScript's differ (std::max/min with NaN, pow special cases) or are missing (erf).
 * @module
 */

/** std::max(a, b): `(a < b) ? b : a`, so a NaN first argument is returned as is. */
export function cppMax(a: number, b: number): number {
  return a < b ? b : a;
}

/** std::min(a, b): `(b < a) ? b : a`. */
export function cppMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** C pow: like Math.pow except pow(1, y) = 1 and pow(-1, +-inf) = 1 (JavaScript gives NaN). */
export function cppPow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/*
 * erf(x): the algorithm and coefficients of fdlibm's s_erf.c, which glibc also uses, so that
 * results agree with C++ std::erf to the last bit where the exponentials agree.
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
const ERX = 8.45062911510467529297e-01;
const EFX = 1.28379167095512586316e-01;
const EFX8 = 1.02703333676410069053e+00;
const PP0 = 1.28379167095512558561e-01;
const PP1 = -3.25042107247001499370e-01;
const PP2 = -2.84817495755985104766e-02;
const PP3 = -5.77027029648944159157e-03;
const PP4 = -2.37630166566501626084e-05;
const QQ1 = 3.97917223959155352819e-01;
const QQ2 = 6.50222499887672944485e-02;
const QQ3 = 5.08130628187576562776e-03;
const QQ4 = 1.32494738004321644526e-04;
const QQ5 = -3.96022827877536812320e-06;
const PA0 = -2.36211856075265944077e-03;
const PA1 = 4.14856118683748331666e-01;
const PA2 = -3.72207876035701323847e-01;
const PA3 = 3.18346619901161753674e-01;
const PA4 = -1.10894694282396677476e-01;
const PA5 = 3.54783043256182359371e-02;
const PA6 = -2.16637559486879084300e-03;
const QA1 = 1.06420880400844228286e-01;
const QA2 = 5.40397917702171048937e-01;
const QA3 = 7.18286544141962662868e-02;
const QA4 = 1.26171219808761642112e-01;
const QA5 = 1.36370839120290507362e-02;
const QA6 = 1.19844998467991074170e-02;
const RA0 = -9.86494403484714822705e-03;
const RA1 = -6.93858572707181764372e-01;
const RA2 = -1.05586262253232909814e+01;
const RA3 = -6.23753324503260060396e+01;
const RA4 = -1.62396669462573470355e+02;
const RA5 = -1.84605092906711035994e+02;
const RA6 = -8.12874355063065934246e+01;
const RA7 = -9.81432934416914548592e+00;
const SA1 = 1.96512716674392571292e+01;
const SA2 = 1.37657754143519042600e+02;
const SA3 = 4.34565877475229228821e+02;
const SA4 = 6.45387271733267880336e+02;
const SA5 = 4.29008140027567833386e+02;
const SA6 = 1.08635005541779435134e+02;
const SA7 = 6.57024977031928170135e+00;
const SA8 = -6.04244152148580987438e-02;
const RB0 = -9.86494292470009928597e-03;
const RB1 = -7.99283237680523006574e-01;
const RB2 = -1.77579549177547519889e+01;
const RB3 = -1.60636384855821916062e+02;
const RB4 = -6.37566443368389627722e+02;
const RB5 = -1.02509513161107724954e+03;
const RB6 = -4.83519191608651397019e+02;
const SB1 = 3.03380607434824582924e+01;
const SB2 = 3.25792512996573918826e+02;
const SB3 = 1.53672958608443695994e+03;
const SB4 = 3.19985821950859553908e+03;
const SB5 = 2.55305040643316442583e+03;
const SB6 = 4.74528541206955367215e+02;
const SB7 = -2.24409524465858183362e+01;

const erfView = new DataView(new ArrayBuffer(8));

/** The error function, as C's erf (fdlibm algorithm). */
export function erf(x: number): number {
  erfView.setFloat64(0, x);
  const hx = erfView.getInt32(0);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    if (Number.isNaN(x)) return x;
    return x > 0 ? 1 : -1;
  }
  if (ix < 0x3feb0000) { // |x| < 0.84375
    if (ix < 0x3e300000) { // |x| < 2**-28
      if (ix < 0x00800000) return 0.125 * (8.0 * x + EFX8 * x);
      return x + EFX * x;
    }
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ix < 0x3ff40000) { // 0.84375 <= |x| < 1.25
    const s = Math.abs(x) - 1;
    const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return hx >= 0 ? ERX + p / q : -ERX - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - 1e-300 : 1e-300 - 1; // |x| >= 6
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  let R: number, S: number;
  if (ix < 0x4006db6e) { // |x| < 1/0.35
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1 +
      s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  // z = ax with the low 32 bits of its mantissa cleared (SET_LOW_WORD(z, 0))
  erfView.setFloat64(0, ax);
  erfView.setInt32(4, 0);
  const z = erfView.getFloat64(0);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + R / S);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}
