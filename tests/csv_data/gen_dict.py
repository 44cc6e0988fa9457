# Prints DICT_VECTORS for tests/csv_data/vectors.rs: what csv.DictReader (restkey "_extra",
# restval "") makes of inputs with a header, as JSON, for `csv-convert --to json`. The inputs
# are our own, covering what the public suites (csv-spectrum, csv-test-data) check with a
# header: quoted commas, doubled quotes, JSON in a field, newlines inside quotes (LF and CRLF),
# empty quoted fields, a header and no rows, no input at all, blank lines, ragged rows (read
# with --flexible, as DictReader's restval/restkey), and what --strict refuses.
import csv, io, json

def rs(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r') + '"'

inputs = [
    'first,last,address\nJohn,Doe,"12 Any St, WW"',
    'a,b\n1,"ha ""ha"" ha"\n3,4\n',
    'key,val\n1,"{""type"": ""Point"", ""xy"": [102.0, 0.5]}"\n',
    'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n',
    'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n',
    'a,b\n1,"ha \n""ha"" \nha"\n3,4\n',
    'a,b,c\n1,"",""\n2,3,4',
    'foo,bar,baz',
    '',
    'one\n\n',
    'h\n\nx\n\ny\n',
    'foo,bar,baz\n1, leading,trailing \n',
    'foo,bar,baz\n1,"with spaces",3\n',
    'foo,bar,baz\n1,é \U0001F600 中,3\n',
    'foo,bar,baz\n1,"never closed,3',
    'foo,bar,baz\n1,"stray " quote",3',
    'foo,bar,baz\n1,un "quoted" text,3',
    'foo,bar,baz\n1,2',
    'foo,bar,baz\n1,2,3,4',
    'foo,bar,baz\n1,2,3,4,5\n6\n',
]

def dict_rows(data, restval, restkey, **kw):
    return list(csv.DictReader(io.StringIO(data, newline=''), restval=restval, restkey=restkey, **kw))

print("/// (input with a header, flags, csv.DictReader's rows as JSON or None for its error), from")
print("/// CPython 3.11 with restkey \"_extra\" and restval \"\" unless the flags say otherwise")
print("const DICT_VECTORS: &[(&str, &[&str], Option<&str>)] = &[")
for data in inputs:
    rows = list(csv.reader(io.StringIO(data, newline='')))
    ragged = any(len(r) != len(rows[0]) for r in rows[1:] if r)
    cases = [(['--flexible'], {}), (['--flexible', '--strict'], {'strict': True}),
             (['--flexible', '--restval', '?', '--restkey', 'more'], {'restval': '?', 'restkey': 'more'})] if ragged \
        else [([], {}), (['--strict'], {'strict': True})]
    for flags, kw in cases:
        restval = kw.pop('restval', '')
        restkey = kw.pop('restkey', '_extra')
        try:
            out = 'Some(' + rs(json.dumps(dict_rows(data, restval, restkey, **kw), ensure_ascii=False)) + ')'
        except csv.Error:
            out = 'None'
        print(f"    ({rs(data)}, &[{', '.join(rs(f) for f in flags)}], {out}),")
print("];")
