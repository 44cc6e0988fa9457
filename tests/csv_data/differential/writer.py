import os, csv, io, json, random, subprocess, sys
T = os.environ.get("TACKLE", "target/debug/tackle")  # run from the repository root after cargo build
alpha = ['a', ',', '"', '\r', '\n', '\\', ' ', 'é', ';', '1', "'", '\t', '|']
random.seed(int(sys.argv[1]))
fails = 0
for it in range(int(sys.argv[2])):
    n = random.randint(1, 3)
    rows = []
    for _ in range(random.randint(1, 3)):
        row = {}
        for i in range(n):
            r = random.random()
            if r < 0.1: v = None
            elif r < 0.2: v = random.randint(-5, 500)
            else: v = ''.join(random.choice(alpha) for _ in range(random.randint(0, 5)))
            row[f"c{i}"] = v
        rows.append(row)
    kw = {'lineterminator': '\n'}
    args = ["csv-convert", "--from", "jsonl", "--to", "csv"]
    if random.random() < 0.4:
        kw['escapechar'] = '\\'; args += ['--out-escapechar', '\\']
    if random.random() < 0.3:
        kw['doublequote'] = False; args += ['--out-no-doublequote']
    if random.random() < 0.2:
        kw['delimiter'] = ';'; args += ['--out-delimiter', ';']
    if random.random() < 0.2:
        kw['quotechar'] = '|'; args += ['--out-quotechar', '|']
    if random.random() < 0.3:
        kw['lineterminator'] = '\r\n'; args += ['--line-terminator', 'crlf']
    q = random.choice(['minimal', 'all', 'nonnumeric', 'none'])
    kw['quoting'] = {'minimal': csv.QUOTE_MINIMAL, 'all': csv.QUOTE_ALL, 'nonnumeric': csv.QUOTE_NONNUMERIC, 'none': csv.QUOTE_NONE}[q]
    args += ['--out-quoting', q]
    try:
        s = io.StringIO(newline='')
        w = csv.DictWriter(s, fieldnames=[f"c{i}" for i in range(n)], **kw)
        w.writeheader()
        for r in rows: w.writerow(r)
        py = s.getvalue().encode(); perr = None
    except Exception as e:
        py = None; perr = e
    data = ''.join(json.dumps(r) + '\n' for r in rows)
    r = subprocess.run([T] + args, input=data.encode(), capture_output=True)
    # Known, documented: 3.11 leaves \r bare when the line terminator lacks it.
    if kw['lineterminator'] == '\n' and any(
            isinstance(v, str) and '\r' in v for row in rows for v in row.values()):
        continue
    if r.returncode == 0:
        ok = r.stdout == py
    else:
        ok = perr is not None
    if not ok:
        fails += 1
        if fails < 8:
            print("MISMATCH", rows, kw, "\n py:", py, perr, "\n us:", r.stdout[:300], r.stderr[:300])
print("fails", fails)
