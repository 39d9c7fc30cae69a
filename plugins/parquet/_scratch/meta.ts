import { parquetMetadataAsync, parquetSchema } from "hyparquet";
const bytes = await Deno.readFile("/work/shared/data/nanoaod/nano_dy.parquet");
const ab = bytes.buffer;
const md = await parquetMetadataAsync(ab);
console.log(md.num_rows, md.row_groups.length, md.schema.length, md.created_by, md.key_value_metadata?.map(k=>k.key));
console.log(JSON.stringify(md.schema.slice(0,12), (k,v)=>typeof v==="bigint"?Number(v):v));
const types = new Map();
for (const s of md.schema) { const k = `${s.type}/${s.converted_type}/${JSON.stringify(s.logical_type)}/${s.repetition_type}/${s.num_children}`; types.set(k,(types.get(k)??0)+1); }
console.log(types);
const rg = md.row_groups[0];
const c = rg.columns.find(c=>c.meta_data.path_in_schema[0]==="Jet_pt");
console.log(JSON.stringify(c, (k,v)=>typeof v==="bigint"?Number(v):v));
const encs = new Map();
for (const c of rg.columns) { const k = c.meta_data.encodings.join(",")+"|"+c.meta_data.codec; encs.set(k,(encs.get(k)??0)+1); }
console.log(encs);
const ix = md.schema.findIndex(s=>s.name==="Jet_pt"); console.log(md.schema.slice(ix, ix+4));
const e = md.schema.findIndex(s=>s.name==="event"); console.log(md.schema[e], md.schema.filter(s=>s.name.startsWith("nJet")||s.name==="nMuon"));
console.log(md.key_value_metadata?.map(k=>[k.key, k.value?.slice(0,300)]));
