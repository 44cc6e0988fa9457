import csv, io, json
inputs = ['a,b\r\nc,d\r\n', 'a,b\rc,d\r', 'a,"b\r\nc",d\n', 'a,"b""c"\n', 'a,"b"c,d\n', 'a,b"c"d\n', '"unterminated\nx',
          'x\\,y,z\n', 'x\\\ny,z\n', '"a\\"b",c\n', ' a, "b, c"\n', '\n\na\n', 'a,b,\n', '"",""\n', 'a,"b" ,c\n', 'tail\\']
flags = [([], {}), (['--escapechar', '\\'], {'escapechar': '\\'}), (['--no-doublequote', '--escapechar', '\\'], {'doublequote': False, 'escapechar': '\\'}),
         (['--skipinitialspace'], {'skipinitialspace': True}), (['--strict'], {'strict': True}),
         (['--quoting', 'none', '--escapechar', '\\'], {'quoting': csv.QUOTE_NONE, 'escapechar': '\\'})]
def rs(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r') + '"'
print("/// (input, flags, csv.reader's rows as JSON or None for its error), from CPython 3.11")
print("const READER_VECTORS: &[(&str, &[&str], Option<&str>)] = &[")
for data in inputs:
    for args, kw in flags:
        try:
            out = 'Some(' + rs(json.dumps(list(csv.reader(io.StringIO(data, newline=''), **kw)), ensure_ascii=False)) + ')'
        except csv.Error:
            out = 'None'
        a = '&[' + ', '.join(rs(x) for x in args) + ']'
        print(f'    ({rs(data)}, {a}, {out}),')
print("];")
