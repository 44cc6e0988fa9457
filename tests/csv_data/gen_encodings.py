# Prints the encoding vectors for tests/csv_data/vectors.rs, from CPython 3.11's codecs and csv
# module, so that `cargo test` checks them without Python:
# - ENCODE_VECTORS: UTF-8 CSV in, flags, and the bytes Python writes with
#   open(path, "w", encoding=NAME, newline="") and csv.writer (None when Python raises
#   UnicodeEncodeError; --lossy is errors="xmlcharrefreplace");
# - DECODE_VECTORS: bytes in some encoding, flags, and csv.reader's rows of
#   bytes.decode(NAME) as JSON, or None with the offset Python's UnicodeDecodeError names
#   (--lossy is errors="replace").
import csv, io, json

def rs(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r') + '"'

def rb(b):
    return 'b"' + ''.join(chr(c) if 0x20 <= c < 0x7f and c not in (0x22, 0x5c) else f'\\x{c:02x}' for c in b) + '"'

def python_writes(rows, encoding, errors='strict', **kw):
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline='')
    csv.writer(text, **kw).writerows(rows)
    text.flush()
    return raw.getvalue()

def csv_text(rows):
    out = io.StringIO(newline='')
    csv.writer(out, lineterminator='\n').writerows(rows)
    return out.getvalue()

western = [['name', 'city', 'note'], ['José', 'München', 'naïve, "quoted"'], ['Zoë', 'Ærø', '5 €']]
latin = [['name', 'city'], ['José', 'München'], ['ctrl', '\x80\x9f'], ['Ærø', '¿¡']]
anything = [['name', 'note'], ['日本', '😀 → ∑'], ['José', 'line\nbreak']]

print("/// (UTF-8 CSV in, flags, what Python 3.11 writes in that encoding, or None for its error)")
print("type EncodeVector = (&'static str, &'static [&'static str], Option<&'static [u8]>);")
print("const ENCODE_VECTORS: &[EncodeVector] = &[")
encode_cases = [
    (western, ['--out-encoding', 'cp1252'], 'cp1252', {}),
    (western, ['--out-encoding', 'windows-1252', '--line-terminator', 'crlf'], 'cp1252', {'lineterminator': '\r\n'}),
    (latin, ['--out-encoding', 'latin-1'], 'latin-1', {}),
    (latin, ['--out-encoding', 'iso-8859-1'], 'latin-1', {}),
    (anything, ['--out-encoding', 'utf-16le'], 'utf-16-le', {}),
    (anything, ['--out-encoding', 'utf-16be'], 'utf-16-be', {}),
    (anything, ['--out-encoding', 'utf-16'], 'utf-16', {}),
    (anything, ['--out-encoding', 'utf-16le', '--bom'], 'utf-16', {}),
    (anything, ['--out-encoding', 'utf-8-sig'], 'utf-8-sig', {}),
    # The Excel recipes: UTF-8 with a BOM and CRLF; Excel's own "Unicode text".
    (anything, ['--bom', '--line-terminator', 'crlf'], 'utf-8-sig', {'lineterminator': '\r\n'}),
    (anything, ['--out-encoding', 'utf-16', '--out-delimiter', 'tab', '--line-terminator', 'crlf'], 'utf-16',
     {'delimiter': '\t', 'lineterminator': '\r\n'}),
    (western, ['--out-encoding', 'iso-8859-15'], 'iso8859-15', {}),
    (anything, ['--out-encoding', 'cp1252'], 'cp1252', {}),
    (anything, ['--out-encoding', 'latin-1'], 'latin-1', {}),
    (anything, ['--out-encoding', 'ascii'], 'ascii', {}),
    (anything, ['--out-encoding', 'cp1252', '--lossy'], ('cp1252', 'xmlcharrefreplace'), {}),
    (anything, ['--out-encoding', 'latin-1', '--lossy'], ('latin-1', 'xmlcharrefreplace'), {}),
    (anything, ['--out-encoding', 'ascii', '--lossy'], ('ascii', 'xmlcharrefreplace'), {}),
]
for rows, flags, encoding, kw in encode_cases:
    encoding, errors = encoding if isinstance(encoding, tuple) else (encoding, 'strict')
    kw.setdefault('lineterminator', '\n')
    try:
        out = 'Some(' + rb(python_writes(rows, encoding, errors, **kw)) + ')'
    except UnicodeEncodeError:
        out = 'None'
    print(f"    ({rs(csv_text(rows))}, &[{', '.join(rs(f) for f in flags)}], {out}),")
print("];")
print()

def python_reads(data, encoding, errors='strict'):
    text = data.decode(encoding, errors)
    return json.dumps(list(csv.reader(io.StringIO(text, newline=''))), ensure_ascii=False)

decode_cases = [
    (python_writes(western, 'cp1252', lineterminator='\n'), 'cp1252', 'cp1252'),
    (python_writes(western, 'cp1252', lineterminator='\n'), 'windows-1252', 'cp1252'),
    (python_writes(latin, 'latin-1', lineterminator='\n'), 'latin-1', 'latin-1'),
    (python_writes(latin, 'latin-1', lineterminator='\n'), 'latin1', 'latin-1'),
    (python_writes(western, 'iso8859-15', lineterminator='\n'), 'iso-8859-15', 'iso8859-15'),
    (python_writes(anything, 'utf-16', lineterminator='\n'), 'utf-16', 'utf-16'),
    (python_writes(anything, 'utf-16', lineterminator='\n'), 'auto', 'utf-16'),
    (python_writes(anything, 'utf-16', lineterminator='\n'), 'utf-8', 'utf-16'),
    (python_writes(anything, 'utf-16-le', lineterminator='\n'), 'utf-16le', 'utf-16-le'),
    (python_writes(anything, 'utf-16-le', lineterminator='\n'), 'auto', 'utf-16-le'),
    (python_writes(anything, 'utf-16-be', lineterminator='\n'), 'utf-16be', 'utf-16-be'),
    (python_writes(anything, 'utf-16-be', lineterminator='\n'), 'auto', 'utf-16-be'),
    (python_writes(anything, 'utf-8-sig', lineterminator='\n'), 'utf-8-sig', 'utf-8-sig'),
    (python_writes(anything, 'utf-8-sig', lineterminator='\n'), 'cp1252', 'utf-8-sig'),
    (python_writes(anything, 'utf-8', lineterminator='\n'), 'auto', 'utf-8'),
    (python_writes([['日本語', 'テスト'], ['東京', 'ｶﾅ']], 'cp932', lineterminator='\n'), 'shift_jis', 'cp932'),
    (python_writes([['中文', '数据'], ['€', '𠀀']], 'gb18030', lineterminator='\n'), 'gb18030', 'gb18030'),
    (python_writes([['日本語', 'テスト']], 'euc_jp', lineterminator='\n'), 'euc-jp', 'euc_jp'),
    (python_writes([['Привет', 'мир']], 'koi8_r', lineterminator='\n'), 'koi8-r', 'koi8_r'),
    (python_writes([['한국어', '자료']], 'cp949', lineterminator='\n'), 'euc-kr', 'cp949'),
    (b'a,b\nok,caf\xe9\n', 'ascii', 'ascii'),
    (b'a\x00,\x00b\x00\n\x00c', 'utf-16le', 'utf-16-le'),
    (b'a\x00,\x00\x00\xd8b\x00\n\x00', 'utf-16le', 'utf-16-le'),
    (b'a,b\n1,\x81\x20x\n', 'shift_jis', 'cp932'),
]
print("/// (input bytes, --encoding, Python 3.11's csv.reader rows as JSON or None, and the byte")
print("/// offset its UnicodeDecodeError names; then the same with --lossy, errors=\"replace\")")
print("type DecodeVector = (&'static [u8], &'static str, Option<&'static str>, u64, &'static str);")
print("const DECODE_VECTORS: &[DecodeVector] = &[")
for data, name, codec in decode_cases:
    lossy = python_reads(data, codec, 'replace')
    try:
        strict, offset = 'Some(' + rs(python_reads(data, codec)) + ')', 0
    except UnicodeDecodeError as e:
        strict, offset = 'None', e.start
    print(f"    ({rb(data)}, {rs(name)}, {strict}, {offset}, {rs(lossy)}),")
print("];")
