import { parquetMetadataAsync } from "hyparquet";
const bytes = await Deno.readFile("/work/shared/data/nanoaod/nano_dy.parquet");
const md = await parquetMetadataAsync(bytes.buffer);
const top = []; let i = 1;
while (i < md.schema.length) { const s = md.schema[i]; top.push(s); i += s.num_children ? 3 : 1; }
console.log(top.length, top.filter(s=>s.name.startsWith("n")&&!s.num_children).map(s=>s.name+":"+s.type+"/"+s.converted_type).join(" "));
const lists = top.filter(s=>s.num_children).map(s=>s.name);
const prefixes = new Set(lists.map(n=>n.split("_")[0]));
console.log([...prefixes].join(" "));
const flatNames = new Set(top.filter(s=>!s.num_children).map(s=>s.name));
console.log([...prefixes].filter(p=>!flatNames.has("n"+p)));
const ak = md.key_value_metadata.find(k=>k.key==="ak:parameters"); console.log(ak.value.slice(0,500));
const ar = md.key_value_metadata.find(k=>k.key==="ARROW:schema"); console.log(ar.value.length);
const ref = JSON.parse(await Deno.readTextFile("/work/shared/data/reference/branches/nano_dy.root.json"));
const rb = Object.keys(ref.branches); console.log(rb.length, rb.filter(n=>!top.find(s=>s.name===n)).slice(0,50), top.filter(s=>!ref.branches[s.name]).map(s=>s.name));
const tn = new Map(); for (const [n,b] of Object.entries(ref.branches)) tn.set(b.dtype, (tn.get(b.dtype)??0)+1); console.log(tn);
console.log(ref.branches["Jet_pt"]);
