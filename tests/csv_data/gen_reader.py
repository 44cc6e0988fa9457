import csv, io, json
inputs = ['a,b\r\nc,d\r\n', 'a,b\rc,d\r', 'a,"b\r\nc",d\n', 'a,"b""c"\n', 'a,"b"c,d\n', 'a,b"c"d\n', '"unterminated\nx',
          'x\\,y,z\n', 'x\\\ny,z\n', '"a\\"b",c\n', ' a, "b, c"\n', '\n\na\n', 'a,b,\n', '"",""\n', 'a,"b" ,c\n', 'tail\\',
          # What the public suites (csv-spectrum, csv-test-data) check, in inputs of our own: no
          # final newline, empty quoted fields, JSON in a field, CRLF inside quotes, one column,
          # spaces kept, multi-byte UTF-8, blank lines, a quote never closed, a stray quote
          # inside quotes and one inside an unquoted field.
          'h1,h2,h3\n7,"",""\n8,9,10', 'key,val\n1,"{""type"": ""Point"", ""xy"": [1.0, 0.5]}"\n',
          'a,b\r\n"two\r\nlines",2\r\n3,4\r\n', 'only\n1', 'x, lead,trail ,3\n', '"with spaces",3\n',
          'é,\U0001F600,中\n', '\n\n', 'one\n\n', '1,"never closed,3', '1,"stray " quote",3', '1,un "quoted" text,3',
          '']
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
