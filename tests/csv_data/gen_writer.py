import csv, io, json
rows = [
    {"id": 1, "text": "plain", "note": "b,c", "q": 'say "hi"'},
    {"id": 2, "text": "back\\slash", "note": "line\nbreak", "q": ""},
    {"id": 3.5, "text": " lead", "note": None, "q": "semi;colon"},
]
jsonl = ''.join(json.dumps(r) + '\n' for r in rows)
def rust_str(b):
    return '"' + b.decode().replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r') + '"'
print("const WRITER_INPUT: &str = " + rust_str(jsonl.encode()) + ";")
print("/// (quoting, escapechar, doublequote, Python 3.11's DictWriter output or None for its error)")
print("const WRITER_VECTORS: &[(&str, Option<&str>, bool, Option<&str>)] = &[")
for q in ['minimal', 'all', 'nonnumeric', 'none']:
    for esc in [None, '\\']:
        for dq in [True, False]:
            kw = dict(quoting={'minimal': 0, 'all': 1, 'nonnumeric': 2, 'none': 3}[q], escapechar=esc, doublequote=dq, lineterminator='\n')
            s = io.StringIO(newline='')
            try:
                w = csv.DictWriter(s, fieldnames=list(rows[0]), **kw)
                w.writeheader()
                for r in rows: w.writerow(r)
                out = rust_str(s.getvalue().encode()).join(['Some(', ')'])
            except csv.Error:
                out = 'None'
            e = 'None' if esc is None else 'Some("\\\\")'
            print(f'    ("{q}", {e}, {str(dq).lower()}, {out}),')
print("];")
