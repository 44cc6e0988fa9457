# Random rows in random encodings through both CPython's codecs + csv module and
# `tackle csv-convert`: Python writes a file in the encoding and tackle reads it back
# (--encoding), and tackle writes CSV in the encoding (--out-encoding) that must equal
# Python's bytes; unmappable characters must fail in both, or become &#N; under
# errors="xmlcharrefreplace" / --lossy. Prints "fails 0" when everything matched.
#   python3 tests/csv_data/differential/encodings.py SEED COUNT   (after cargo build)
import os, csv, io, json, random, subprocess, sys
T = os.environ.get("TACKLE", "target/debug/tackle")  # run from the repository root after cargo build
random.seed(int(sys.argv[1]))
# (our name, Python's codec, characters it can hold beyond ASCII)
ENCODINGS = [
    ('cp1252', 'cp1252', 'éüßÆø€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'),
    ('latin-1', 'latin-1', 'éüßÆø\xa0¿\x80\x9f'),
    ('iso-8859-15', 'iso8859-15', 'éüßÆø€Šš'),
    ('utf-16le', 'utf-16-le', 'é€日本😀∑'),
    ('utf-16be', 'utf-16-be', 'é€日本😀∑'),
    ('utf-16', 'utf-16', 'é€日本😀∑'),
    ('utf-8-sig', 'utf-8-sig', 'é€日本😀∑'),
    ('koi8-r', 'koi8_r', 'Приветмир'),
    ('gb18030', 'gb18030', '中文数据€😀'),
    ('euc-jp', 'euc_jp', '日本語テスト'),
]
ALPHA = ['a', 'b', '1', ' ', ',', '"', '\n', '\r\n', ';', "'"]
fails = n = 0
for _ in range(int(sys.argv[2])):
    name, codec, extra = random.choice(ENCODINGS)
    chars = ALPHA + list(extra)
    rows = [[''.join(random.choice(chars) for _ in range(random.randint(0, 5))) for _ in range(random.randint(1, 4))]
            for _ in range(random.randint(1, 5))]
    if all(len(r) == 1 and r[0] == '' for r in rows):
        continue
    n += 1
    # Python writes, tackle reads.
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding=codec, newline='')
    csv.writer(text, lineterminator='\n').writerows(rows)
    text.flush()
    data = raw.getvalue()
    expected = list(csv.reader(io.StringIO(data.decode(codec), newline='')))
    r = subprocess.run([T, 'csv-convert', '--encoding', name, '--no-header', '--flexible', '--to', 'json'],
                       input=data, capture_output=True)
    got = json.loads(r.stdout) if r.returncode == 0 else r.stderr
    if got != expected:
        fails += 1
        if fails < 8:
            print('READ MISMATCH', name, repr(data), '\n py:', expected, '\n us:', got)
    # tackle writes, compared with Python's bytes (or its error).
    utf8 = io.StringIO(newline='')
    csv.writer(utf8, lineterminator='\n').writerows(rows)
    lossy = random.random() < 0.3
    alien = random.choice(['', '', '→', 'Ω', '😀'])
    source = utf8.getvalue().replace('a', 'a' + alien, 1)
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding=codec, errors='xmlcharrefreplace' if lossy else 'strict', newline='')
    try:
        csv.writer(text, lineterminator='\n').writerows(csv.reader(io.StringIO(source, newline='')))
        text.flush()
        want = raw.getvalue()
    except UnicodeEncodeError:
        want = None
    args = [T, 'csv-convert', '--no-header', '--flexible', '--out-encoding', name] + (['--lossy'] if lossy else [])
    r = subprocess.run(args, input=source.encode(), capture_output=True)
    ok = (r.returncode == 0 and r.stdout == want) if want is not None else \
        (r.returncode == 1 and b'cannot be written in' in r.stderr)
    if not ok:
        fails += 1
        if fails < 8:
            print('WRITE MISMATCH', name, lossy, repr(source), '\n py:', want, '\n us:', r.stdout, r.stderr)
print("fails", fails, "of", n)
