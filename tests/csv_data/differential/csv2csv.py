import os, csv, io, random, subprocess, sys
T = os.environ.get("TACKLE", "target/debug/tackle")  # run from the repository root after cargo build
alpha = ['a', 'b', ',', '"', '\r', '\n', '\\', ' ', 'é', ';', '1', "'", '\t', '|']
random.seed(int(sys.argv[1])); fails = 0; n = 0
for it in range(int(sys.argv[2])):
    data = ''.join(random.choice(alpha) for _ in range(random.randint(0, 40)))
    rkw = {}; args = ["csv-convert", "--no-header", "--flexible"]
    if random.random() < 0.3: rkw['escapechar'] = '\\'; args += ['--escapechar', '\\']
    wkw = {'lineterminator': '\n'}
    to = random.choice(['csv', 'tsv'])
    args += ['--to', to]
    if to == 'tsv': wkw['delimiter'] = '\t'
    if random.random() < 0.3: wkw['escapechar'] = '\\'; args += ['--out-escapechar', '\\']
    if random.random() < 0.2: wkw['quotechar'] = '|'; args += ['--out-quotechar', '|']
    q = random.choice(['minimal', 'all', 'none'])
    wkw['quoting'] = {'minimal': 0, 'all': 1, 'none': 3}[q]; args += ['--out-quoting', q]
    try:
        rows = list(csv.reader(io.StringIO(data, newline=''), **rkw))
    except csv.Error:
        continue
    if any('\r' in f for r in rows for f in r):
        continue
    s = io.StringIO(newline='')
    try:
        csv.writer(s, **wkw).writerows(rows); py = s.getvalue().encode(); perr = None
    except csv.Error as e:
        py = None; perr = e
    r = subprocess.run([T] + args, input=data.encode(), capture_output=True)
    n += 1
    ok = (r.returncode == 0 and r.stdout == py) or (r.returncode != 0 and perr is not None)
    if not ok:
        fails += 1
        if fails < 6: print("MISMATCH", repr(data), args, "\n py:", py, perr, "\n us:", r.stdout, r.stderr)
print("fails", fails, "of", n)
