/**
 * TStreamerInfo records for every class the writer streams: TTree, TBranch, TLeaf*, their
 * bases and collections, and TH1D/TH2D with TAxis and TArrayD. The descriptions are data:
 * class version, checksum and member list as ROOT declares them (the tree classes taken from
 * the streamer records of CMS NanoAOD files written by ROOT; the histogram classes from the
 * members of ROOT's TH1/TH2/TAxis headers, with checksums computed the way ROOT does).
 * @module
 */
import type { WBuffer } from "./_wbuffer.ts";

/**
 * One member: kind (B base, T basic, S TString, O object, A object without TObject header,
 * P object pointer, BP basic pointer), name, title, fType, fSize, type name, then for B the
 * base version and checksum, for BP the count version, count name and count class.
 */
export type ElementRow = readonly (string | number)[];
/** A class: name, version, checksum, members. */
export type ClassRow = readonly [string, number, number, readonly ElementRow[]];

/** Streamer descriptions of the tree classes (from ROOT-written NanoAOD files). */
export const TREE_CLASSES: readonly ClassRow[] = [
  ["TObject", 1, 2417737773, [
    ["T", "fUniqueID", "object unique identifier", 13, 4, "unsigned int"],
    ["T", "fBits", "bit field status word", 15, 4, "unsigned int"],
  ]],
  ["TNamed", 1, 3753331260, [["B", "TObject", "Basic ROOT object", 66, 0, "BASE", 1, 2417737773], [
    "S",
    "fName",
    "object identifier",
    65,
    24,
    "TString",
  ], ["S", "fTitle", "object title", 65, 24, "TString"]]],
  ["TString", 2, 95257, []],
  ["TAttLine", 2, 2483504457, [["T", "fLineColor", "Line color", 2, 2, "short"], [
    "T",
    "fLineStyle",
    "Line style",
    2,
    2,
    "short",
  ], ["T", "fLineWidth", "Line width", 2, 2, "short"]]],
  ["TAttFill", 2, 4292422290, [["T", "fFillColor", "Fill area color", 2, 2, "short"], [
    "T",
    "fFillStyle",
    "Fill area style",
    2,
    2,
    "short",
  ]]],
  ["TAttMarker", 2, 689802220, [["T", "fMarkerColor", "Marker color index", 2, 2, "short"], [
    "T",
    "fMarkerStyle",
    "Marker style",
    2,
    2,
    "short",
  ], ["T", "fMarkerSize", "Marker size", 5, 4, "float"]]],
  ["TCollection", 3, 1474546588, [
    ["B", "TObject", "Basic ROOT object", 66, 0, "BASE", 1, 2417737773],
    ["S", "fName", "name of the collection", 65, 24, "TString"],
    ["T", "fSize", "number of elements in collection", 3, 4, "int"],
  ]],
  ["TSeqCollection", 0, 4234951622, [[
    "B",
    "TCollection",
    "Collection abstract base class",
    0,
    0,
    "BASE",
    3,
    1474546588,
  ]]],
  ["TList", 5, 1774568379, [[
    "B",
    "TSeqCollection",
    "Sequenceable collection ABC",
    0,
    0,
    "BASE",
    0,
    4234951622,
  ]]],
  ["TObjArray", 3, 2845730130, [
    ["B", "TSeqCollection", "Sequenceable collection ABC", 0, 0, "BASE", 0, 4234951622],
    ["T", "fLowerBound", "Lower bound of the array", 3, 4, "Int_t"],
    ["T", "fLast", "Last element in array containing an object", 3, 4, "Int_t"],
  ]],
  ["ROOT::TIOFeatures", 1, 446770960, [["T", "fIOBits", "", 11, 1, "unsigned char"]]],
  ["TLeaf", 2, 1830715730, [
    ["B", "TNamed", "The basis for a named object (name, title)", 67, 0, "BASE", 1, 3753331260],
    ["T", "fLen", "Number of fixed length elements", 3, 4, "int"],
    ["T", "fLenType", "Number of bytes for this data type", 3, 4, "int"],
    ["T", "fOffset", "Offset in ClonesArray object (if one)", 3, 4, "int"],
    ["T", "fIsRange", "(=kTRUE if leaf has a range, kFALSE otherwise)", 18, 1, "bool"],
    ["T", "fIsUnsigned", "(=kTRUE if unsigned, kFALSE otherwise)", 18, 1, "bool"],
    [
      "P",
      "fLeafCount",
      "Pointer to Leaf count if variable length (we do not own the counter)",
      64,
      8,
      "TLeaf*",
    ],
  ]],
  ["TLeafO", 1, 44976339, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 18, 1, "bool"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 18, 1, "bool"],
  ]],
  ["TLeafB", 1, 253643614, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 1, 1, "char"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 1, 1, "char"],
  ]],
  ["TLeafS", 1, 353169103, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 2, 2, "short"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 2, 2, "short"],
  ]],
  ["TLeafI", 1, 2120920601, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 3, 4, "int"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 3, 4, "int"],
  ]],
  ["TLeafL", 1, 3727820898, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 16, 8, "Long64_t"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 16, 8, "Long64_t"],
  ]],
  ["TLeafF", 1, 987602290, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 5, 4, "float"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 5, 4, "float"],
  ]],
  ["TLeafD", 1, 294553462, [
    ["B", "TLeaf", "Leaf: description of a Branch data type", 0, 0, "BASE", 2, 1830715730],
    ["T", "fMinimum", "Minimum value if leaf range is specified", 8, 8, "double"],
    ["T", "fMaximum", "Maximum value if leaf range is specified", 8, 8, "double"],
  ]],
  ["TBranch", 13, 278366892, [
    ["B", "TNamed", "The basis for a named object (name, title)", 67, 0, "BASE", 1, 3753331260],
    ["B", "TAttFill", "Fill area attributes", 0, 0, "BASE", 2, 4292422290],
    ["T", "fCompress", "Compression level and algorithm", 3, 4, "int"],
    ["T", "fBasketSize", "Initial Size of  Basket Buffer", 3, 4, "int"],
    [
      "T",
      "fEntryOffsetLen",
      "Initial Length of fEntryOffset table in the basket buffers",
      3,
      4,
      "int",
    ],
    ["T", "fWriteBasket", "Last basket number written", 3, 4, "int"],
    [
      "T",
      "fEntryNumber",
      "Current entry number (last one filled in this branch)",
      16,
      8,
      "Long64_t",
    ],
    ["A", "fIOFeatures", "IO features for newly-created baskets.", 62, 1, "ROOT::TIOFeatures"],
    ["T", "fOffset", "Offset of this branch", 3, 4, "int"],
    ["T", "fMaxBaskets", "Maximum number of Baskets so far", 6, 4, "int"],
    ["T", "fSplitLevel", "Branch split level", 3, 4, "int"],
    ["T", "fEntries", "Number of entries", 16, 8, "Long64_t"],
    ["T", "fFirstEntry", "Number of the first entry in this branch", 16, 8, "Long64_t"],
    ["T", "fTotBytes", "Total number of bytes in all leaves before compression", 16, 8, "Long64_t"],
    ["T", "fZipBytes", "Total number of bytes in all leaves after compression", 16, 8, "Long64_t"],
    ["O", "fBranches", "-> List of Branches of this branch", 61, 64, "TObjArray"],
    ["O", "fLeaves", "-> List of leaves of this branch", 61, 64, "TObjArray"],
    ["O", "fBaskets", "-> List of baskets of this branch", 61, 64, "TObjArray"],
    [
      "BP",
      "fBasketBytes",
      "[fMaxBaskets] Length of baskets on file",
      43,
      8,
      "int*",
      13,
      "fMaxBaskets",
      "TBranch",
    ],
    [
      "BP",
      "fBasketEntry",
      "[fMaxBaskets] Table of first entry in each basket",
      56,
      8,
      "Long64_t*",
      13,
      "fMaxBaskets",
      "TBranch",
    ],
    [
      "BP",
      "fBasketSeek",
      "[fMaxBaskets] Addresses of baskets on file",
      56,
      8,
      "Long64_t*",
      13,
      "fMaxBaskets",
      "TBranch",
    ],
    [
      "S",
      "fFileName",
      'Name of file where buffers are stored ("" if in same file as Tree header)',
      65,
      24,
      "TString",
    ],
  ]],
  ["TTree", 20, 1919213695, [
    ["B", "TNamed", "The basis for a named object (name, title)", 67, 0, "BASE", 1, 3753331260],
    ["B", "TAttLine", "Line attributes", 0, 0, "BASE", 2, 2483504457],
    ["B", "TAttFill", "Fill area attributes", 0, 0, "BASE", 2, 4292422290],
    ["B", "TAttMarker", "Marker attributes", 0, 0, "BASE", 2, 689802220],
    ["T", "fEntries", "Number of entries", 16, 8, "Long64_t"],
    [
      "T",
      "fTotBytes",
      "Total number of bytes in all branches before compression",
      16,
      8,
      "Long64_t",
    ],
    [
      "T",
      "fZipBytes",
      "Total number of bytes in all branches after compression",
      16,
      8,
      "Long64_t",
    ],
    ["T", "fSavedBytes", "Number of autosaved bytes", 16, 8, "Long64_t"],
    ["T", "fFlushedBytes", "Number of auto-flushed bytes", 16, 8, "Long64_t"],
    ["T", "fWeight", "Tree weight (see TTree::SetWeight)", 8, 8, "double"],
    ["T", "fTimerInterval", "Timer interval in milliseconds", 3, 4, "int"],
    ["T", "fScanField", "Number of runs before prompting in Scan", 3, 4, "int"],
    ["T", "fUpdate", "Update frequency for EntryLoop", 3, 4, "int"],
    [
      "T",
      "fDefaultEntryOffsetLen",
      "Initial Length of fEntryOffset table in the basket buffers",
      3,
      4,
      "int",
    ],
    [
      "T",
      "fNClusterRange",
      "Number of Cluster range in addition to the one defined by 'AutoFlush'",
      6,
      4,
      "int",
    ],
    [
      "T",
      "fMaxEntries",
      "Maximum number of entries in case of circular buffers",
      16,
      8,
      "Long64_t",
    ],
    ["T", "fMaxEntryLoop", "Maximum number of entries to process", 16, 8, "Long64_t"],
    ["T", "fMaxVirtualSize", "Maximum total size of buffers kept in memory", 16, 8, "Long64_t"],
    [
      "T",
      "fAutoSave",
      "Autosave tree when fAutoSave entries written or -fAutoSave (compressed) bytes produced",
      16,
      8,
      "Long64_t",
    ],
    [
      "T",
      "fAutoFlush",
      "Auto-flush tree when fAutoFlush entries written or -fAutoFlush (compressed) bytes produced",
      16,
      8,
      "Long64_t",
    ],
    ["T", "fEstimate", "Number of entries to estimate histogram limits", 16, 8, "Long64_t"],
    [
      "BP",
      "fClusterRangeEnd",
      "[fNClusterRange] Last entry of a cluster range.",
      56,
      8,
      "Long64_t*",
      20,
      "fNClusterRange",
      "TTree",
    ],
    [
      "BP",
      "fClusterSize",
      "[fNClusterRange] Number of entries in each cluster for a given range.",
      56,
      8,
      "Long64_t*",
      20,
      "fNClusterRange",
      "TTree",
    ],
    [
      "A",
      "fIOFeatures",
      "IO features to define for newly-written baskets and branches.",
      62,
      1,
      "ROOT::TIOFeatures",
    ],
    ["O", "fBranches", "List of Branches", 61, 64, "TObjArray"],
    ["O", "fLeaves", "Direct pointers to individual branch leaves", 61, 64, "TObjArray"],
    [
      "P",
      "fAliases",
      "List of aliases for expressions based on the tree branches.",
      64,
      8,
      "TList*",
    ],
    ["A", "fIndexValues", "Sorted index values", 62, 24, "TArrayD"],
    ["A", "fIndex", "Index of sorted values", 62, 24, "TArrayI"],
    ["P", "fTreeIndex", "Pointer to the tree Index (if any)", 64, 8, "TVirtualIndex*"],
    ["P", "fFriends", "pointer to list of friend elements", 64, 8, "TList*"],
    [
      "P",
      "fUserInfo",
      "pointer to a list of user objects associated to this Tree",
      64,
      8,
      "TList*",
    ],
    ["P", "fBranchRef", "Branch supporting the TRefTable (if any)", 64, 8, "TBranchRef*"],
  ]],
];

const _TOBJECT = 2417737773;
const _TNAMED = 3753331260;
const _TATTLINE = 2483504457;
const _TATTFILL = 4292422290;
const _TATTMARKER = 689802220;

/** Histogram classes: members as declared by ROOT's TH1 (v8), TH2 (v5), TAxis (v10). */
const _HIST_CLASSES_NO_SUM: readonly [string, number, readonly ElementRow[]][] = [
  ["TAttAxis", 4, [
    ["T", "fNdivisions", "Number of divisions(10000*n3 + 100*n2 + n1)", 3, 4, "int"],
    ["T", "fAxisColor", "Color of the line axis", 2, 2, "short"],
    ["T", "fLabelColor", "Color of labels", 2, 2, "short"],
    ["T", "fLabelFont", "Font for labels", 2, 2, "short"],
    ["T", "fLabelOffset", "Offset of labels", 5, 4, "float"],
    ["T", "fLabelSize", "Size of labels", 5, 4, "float"],
    ["T", "fTickLength", "Length of tick marks", 5, 4, "float"],
    ["T", "fTitleOffset", "Offset of axis title", 5, 4, "float"],
    ["T", "fTitleSize", "Size of axis title", 5, 4, "float"],
    ["T", "fTitleColor", "Color of axis title", 2, 2, "short"],
    ["T", "fTitleFont", "Font for axis title", 2, 2, "short"],
  ]],
  ["TArray", 1, [["T", "fN", "Number of array elements", 6, 4, "int"]]],
  ["TArrayD", 1, [
    ["B", "TArray", "Abstract array base class", 0, 0, "BASE", 1],
    ["BP", "fArray", "[fN] Array of fN doubles", 48, 8, "double*", 1, "fN", "TArray"],
  ]],
  ["TAxis", 10, [
    ["B", "TNamed", "The basis for a named object (name, title)", 67, 0, "BASE", 1],
    ["B", "TAttAxis", "Axis attributes", 0, 0, "BASE", 4],
    ["T", "fNbins", "Number of bins", 3, 4, "int"],
    ["T", "fXmin", "Low edge of first bin", 8, 8, "double"],
    ["T", "fXmax", "Upper edge of last bin", 8, 8, "double"],
    ["A", "fXbins", "Bin edges array in X", 62, 24, "TArrayD"],
    ["T", "fFirst", "First bin to display", 3, 4, "int"],
    ["T", "fLast", "Last bin to display", 3, 4, "int"],
    ["T", "fBits2", "Second bit status word", 12, 2, "unsigned short"],
    ["T", "fTimeDisplay", "On/off displaying time values instead of numerics", 18, 1, "bool"],
    ["S", "fTimeFormat", "Date&time format, ex: 09/12/99 12:34:00", 65, 24, "TString"],
    ["P", "fLabels", "List of labels", 64, 8, "THashList*"],
    ["P", "fModLabs", "List of modified labels", 64, 8, "TList*"],
  ]],
  ["TH1", 8, [
    ["B", "TNamed", "The basis for a named object (name, title)", 67, 0, "BASE", 1],
    ["B", "TAttLine", "Line attributes", 0, 0, "BASE", 2],
    ["B", "TAttFill", "Fill area attributes", 0, 0, "BASE", 2],
    ["B", "TAttMarker", "Marker attributes", 0, 0, "BASE", 2],
    ["T", "fNcells", "Number of bins(1D), cells (2D) +U/Overflows", 3, 4, "int"],
    ["O", "fXaxis", "X axis descriptor", 61, 216, "TAxis"],
    ["O", "fYaxis", "Y axis descriptor", 61, 216, "TAxis"],
    ["O", "fZaxis", "Z axis descriptor", 61, 216, "TAxis"],
    ["T", "fBarOffset", "(1000*offset) for bar charts or legos", 2, 2, "short"],
    ["T", "fBarWidth", "(1000*width) for bar charts or legos", 2, 2, "short"],
    ["T", "fEntries", "Number of entries", 8, 8, "double"],
    ["T", "fTsumw", "Total Sum of weights", 8, 8, "double"],
    ["T", "fTsumw2", "Total Sum of squares of weights", 8, 8, "double"],
    ["T", "fTsumwx", "Total Sum of weight*X", 8, 8, "double"],
    ["T", "fTsumwx2", "Total Sum of weight*X*X", 8, 8, "double"],
    ["T", "fMaximum", "Maximum value for plotting", 8, 8, "double"],
    ["T", "fMinimum", "Minimum value for plotting", 8, 8, "double"],
    ["T", "fNormFactor", "Normalization factor", 8, 8, "double"],
    ["A", "fContour", "Array to display contour levels", 62, 24, "TArrayD"],
    ["A", "fSumw2", "Array of sum of squares of weights", 62, 24, "TArrayD"],
    ["S", "fOption", "Histogram options", 65, 24, "TString"],
    ["P", "fFunctions", "->Pointer to list of functions (fits and user)", 63, 8, "TList*"],
    ["T", "fBufferSize", "fBuffer size", 6, 4, "int"],
    ["BP", "fBuffer", "[fBufferSize] entry buffer", 48, 8, "double*", 8, "fBufferSize", "TH1"],
    ["T", "fBinStatErrOpt", "Option for bin statistical errors", 3, 4, "TH1::EBinErrorOpt"],
    [
      "T",
      "fStatOverflows",
      "Per object flag to use under/overflows in statistics",
      3,
      4,
      "TH1::EStatOverflows",
    ],
  ]],
  ["TH1D", 3, [
    ["B", "TH1", "1-Dim histogram base class", 0, 0, "BASE", 8],
    ["B", "TArrayD", "Array of doubles", 0, 0, "BASE", 1],
  ]],
  ["TH2", 5, [
    ["B", "TH1", "1-Dim histogram base class", 0, 0, "BASE", 8],
    ["T", "fScalefactor", "Scale factor", 8, 8, "double"],
    ["T", "fTsumwy", "Total Sum of weight*Y", 8, 8, "double"],
    ["T", "fTsumwy2", "Total Sum of weight*Y*Y", 8, 8, "double"],
    ["T", "fTsumwxy", "Total Sum of weight*X*Y", 8, 8, "double"],
  ]],
  ["TH2D", 4, [
    ["B", "TH2", "2-Dim histogram base class", 0, 0, "BASE", 5],
    ["B", "TArrayD", "Array of doubles", 0, 0, "BASE", 1],
  ]],
];

const _BASIC_TYPES = new Set([
  "char",
  "short",
  "int",
  "long",
  "float",
  "double",
  "bool",
  "unsigned char",
  "unsigned short",
  "unsigned int",
  "unsigned long",
  "Long64_t",
  "ULong64_t",
]);

/**
 * ROOT's class checksum over a member description: the class name, each base's name and
 * checksum, then per member an enum marker, the name, the type name and the counter inside
 * `[...]` of the title, folded as id = id * 3 + char (mod 2^32). It reproduces the checksums
 * of the NanoAOD streamer records (TTree, TBranch, TLeaf*).
 */
export function classChecksum(name: string, elements: readonly ElementRow[]): number {
  let id = 0;
  const add = (s: string) => {
    for (let i = 0; i < s.length; i++) id = (Math.imul(id, 3) + s.charCodeAt(i)) >>> 0;
  };
  add(name);
  for (const e of elements) {
    if (e[0] !== "B") continue;
    add(e[1] as string);
    id = (Math.imul(id, 3) + (e[7] as number)) >>> 0;
  }
  for (const e of elements) {
    if (e[0] === "B") continue;
    const typeName = e[5] as string;
    if (e[3] === 3 && !_BASIC_TYPES.has(typeName)) id = (Math.imul(id, 3) + 1) >>> 0;
    add(e[1] as string);
    add(typeName);
    const title = e[2] as string;
    const l = title.indexOf("[");
    const r = l < 0 ? -1 : title.indexOf("]", l);
    if (r > l) add(title.slice(l + 1, r));
  }
  return id;
}

/** All classes by name (tree classes as recorded, histogram classes with computed checksums). */
export const CLASSES: ReadonlyMap<string, ClassRow> = (() => {
  const map = new Map<string, ClassRow>();
  for (const row of TREE_CLASSES) map.set(row[0], row);
  const sums = new Map<string, number>([
    ["TObject", _TOBJECT],
    ["TNamed", _TNAMED],
    ["TAttLine", _TATTLINE],
    ["TAttFill", _TATTFILL],
    ["TAttMarker", _TATTMARKER],
  ]);
  for (const [name, version, elements] of _HIST_CLASSES_NO_SUM) {
    // Bases come before their derived classes in the list, so their checksums are known.
    const filled = elements.map((e) =>
      e[0] === "B" ? [...e.slice(0, 7), sums.get(e[1] as string)!] : e
    );
    const sum = classChecksum(name, filled);
    sums.set(name, sum);
    map.set(name, [name, version, sum, filled]);
  }
  return map;
})();

/** Classes whose records a TTree file needs, dependencies first. */
export const TREE_FILE_CLASSES = [
  "TObject",
  "TNamed",
  "TString",
  "TAttLine",
  "TAttFill",
  "TAttMarker",
  "TCollection",
  "TSeqCollection",
  "TObjArray",
  "ROOT::TIOFeatures",
  "TLeaf",
  "TBranch",
  "TTree",
];
/** Classes whose records a histogram file needs. */
export const HIST_FILE_CLASSES = [
  "TObject",
  "TNamed",
  "TString",
  "TAttLine",
  "TAttFill",
  "TAttMarker",
  "TAttAxis",
  "TArray",
  "TArrayD",
  "TAxis",
  "TCollection",
  "TSeqCollection",
  "TList",
  "TH1",
  "TH1D",
  "TH2",
  "TH2D",
];

const _ELEMENT_CLASS: Readonly<Record<string, [string, number]>> = {
  B: ["TStreamerBase", 3],
  T: ["TStreamerBasicType", 2],
  S: ["TStreamerString", 2],
  O: ["TStreamerObject", 2],
  A: ["TStreamerObjectAny", 2],
  P: ["TStreamerObjectPointer", 2],
  BP: ["TStreamerBasicPointer", 2],
};

/** Writes the body of the "StreamerInfo" TList: one TStreamerInfo per class. */
export function writeStreamerList(b: WBuffer, classNames: readonly string[]): void {
  const at = b.startVersion(5);
  b.tObject();
  b.string("");
  b.i32(classNames.length);
  for (const name of classNames) {
    const row = CLASSES.get(name);
    if (row === undefined) throw new Error(`no streamer description for ${name}`);
    b.object("TStreamerInfo", {}, () => _streamerInfo(b, row));
    b.string(""); // the TList link's option
  }
  b.endVersion(at);
}

function _streamerInfo(b: WBuffer, [name, version, checksum, elements]: ClassRow): void {
  const at = b.startVersion(9);
  b.tNamed(name, "");
  b.u32(checksum);
  b.i32(version);
  b.object("TObjArray", {}, () => {
    b.objArray(elements.map((e) => () => _element(b, e)));
  });
  b.endVersion(at);
}

function _element(b: WBuffer, e: ElementRow): void {
  const kind = e[0] as string;
  const [className, version] = _ELEMENT_CLASS[kind];
  b.object(className, {}, () => {
    const outer = b.startVersion(version);
    const inner = b.startVersion(4); // TStreamerElement
    b.tNamed(e[1] as string, e[2] as string);
    b.i32(e[3] as number); // fType
    b.i32(e[4] as number); // fSize
    b.i32(0); // fArrayLength
    b.i32(0); // fArrayDim
    // fMaxIndex[5]; ROOT keeps a base class's checksum in its second slot.
    b.i32(0);
    b.u32(kind === "B" ? (e[7] as number) : 0);
    b.i32(0);
    b.i32(0);
    b.i32(0);
    b.string(e[5] as string);
    b.endVersion(inner);
    if (kind === "B") b.i32(e[6] as number);
    if (kind === "BP") {
      b.i32(e[6] as number);
      b.string(e[7] as string);
      b.string(e[8] as string);
    }
    b.endVersion(outer);
  });
}
