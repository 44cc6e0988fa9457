// Generated from CPython 3.11.7's csv module by the scripts described in
// tests/csv_convert.rs; do not edit by hand.

/// (input, flags, csv.reader's rows as JSON or None for its error), from CPython 3.11
const READER_VECTORS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "a,b\r\nc,d\r\n",
        &[],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\r\nc,d\r\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\r\nc,d\r\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\r\nc,d\r\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\r\nc,d\r\n",
        &["--strict"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\r\nc,d\r\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    ("a,b\rc,d\r", &[], Some("[[\"a\", \"b\"], [\"c\", \"d\"]]")),
    (
        "a,b\rc,d\r",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\rc,d\r",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\rc,d\r",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\rc,d\r",
        &["--strict"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,b\rc,d\r",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"b\"], [\"c\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &[],
        Some("[[\"a\", \"b\\r\\nc\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\\r\\nc\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\\r\\nc\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\\r\\nc\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &["--strict"],
        Some("[[\"a\", \"b\\r\\nc\", \"d\"]]"),
    ),
    (
        "a,\"b\r\nc\",d\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"\\\"b\"], [\"c\\\"\", \"d\"]]"),
    ),
    ("a,\"b\"\"c\"\n", &[], Some("[[\"a\", \"b\\\"c\"]]")),
    (
        "a,\"b\"\"c\"\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\\\"c\"]]"),
    ),
    (
        "a,\"b\"\"c\"\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\\\"c\\\"\"]]"),
    ),
    (
        "a,\"b\"\"c\"\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\\\"c\"]]"),
    ),
    (
        "a,\"b\"\"c\"\n",
        &["--strict"],
        Some("[[\"a\", \"b\\\"c\"]]"),
    ),
    (
        "a,\"b\"\"c\"\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"\\\"b\\\"\\\"c\\\"\"]]"),
    ),
    ("a,\"b\"c,d\n", &[], Some("[[\"a\", \"bc\", \"d\"]]")),
    (
        "a,\"b\"c,d\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"bc\", \"d\"]]"),
    ),
    (
        "a,\"b\"c,d\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"bc\", \"d\"]]"),
    ),
    (
        "a,\"b\"c,d\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"bc\", \"d\"]]"),
    ),
    ("a,\"b\"c,d\n", &["--strict"], None),
    (
        "a,\"b\"c,d\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"\\\"b\\\"c\", \"d\"]]"),
    ),
    ("a,b\"c\"d\n", &[], Some("[[\"a\", \"b\\\"c\\\"d\"]]")),
    (
        "a,b\"c\"d\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\\\"c\\\"d\"]]"),
    ),
    (
        "a,b\"c\"d\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\\\"c\\\"d\"]]"),
    ),
    (
        "a,b\"c\"d\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\\\"c\\\"d\"]]"),
    ),
    (
        "a,b\"c\"d\n",
        &["--strict"],
        Some("[[\"a\", \"b\\\"c\\\"d\"]]"),
    ),
    (
        "a,b\"c\"d\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"b\\\"c\\\"d\"]]"),
    ),
    ("\"unterminated\nx", &[], Some("[[\"unterminated\\nx\"]]")),
    (
        "\"unterminated\nx",
        &["--escapechar", "\\"],
        Some("[[\"unterminated\\nx\"]]"),
    ),
    (
        "\"unterminated\nx",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"unterminated\\nx\"]]"),
    ),
    (
        "\"unterminated\nx",
        &["--skipinitialspace"],
        Some("[[\"unterminated\\nx\"]]"),
    ),
    ("\"unterminated\nx", &["--strict"], None),
    (
        "\"unterminated\nx",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"\\\"unterminated\"], [\"x\"]]"),
    ),
    ("x\\,y,z\n", &[], Some("[[\"x\\\\\", \"y\", \"z\"]]")),
    (
        "x\\,y,z\n",
        &["--escapechar", "\\"],
        Some("[[\"x,y\", \"z\"]]"),
    ),
    (
        "x\\,y,z\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"x,y\", \"z\"]]"),
    ),
    (
        "x\\,y,z\n",
        &["--skipinitialspace"],
        Some("[[\"x\\\\\", \"y\", \"z\"]]"),
    ),
    (
        "x\\,y,z\n",
        &["--strict"],
        Some("[[\"x\\\\\", \"y\", \"z\"]]"),
    ),
    (
        "x\\,y,z\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"x,y\", \"z\"]]"),
    ),
    ("x\\\ny,z\n", &[], Some("[[\"x\\\\\"], [\"y\", \"z\"]]")),
    (
        "x\\\ny,z\n",
        &["--escapechar", "\\"],
        Some("[[\"x\\ny\", \"z\"]]"),
    ),
    (
        "x\\\ny,z\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"x\\ny\", \"z\"]]"),
    ),
    (
        "x\\\ny,z\n",
        &["--skipinitialspace"],
        Some("[[\"x\\\\\"], [\"y\", \"z\"]]"),
    ),
    (
        "x\\\ny,z\n",
        &["--strict"],
        Some("[[\"x\\\\\"], [\"y\", \"z\"]]"),
    ),
    (
        "x\\\ny,z\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"x\\ny\", \"z\"]]"),
    ),
    ("\"a\\\"b\",c\n", &[], Some("[[\"a\\\\b\\\"\", \"c\"]]")),
    (
        "\"a\\\"b\",c\n",
        &["--escapechar", "\\"],
        Some("[[\"a\\\"b\", \"c\"]]"),
    ),
    (
        "\"a\\\"b\",c\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\\\"b\", \"c\"]]"),
    ),
    (
        "\"a\\\"b\",c\n",
        &["--skipinitialspace"],
        Some("[[\"a\\\\b\\\"\", \"c\"]]"),
    ),
    ("\"a\\\"b\",c\n", &["--strict"], None),
    (
        "\"a\\\"b\",c\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"\\\"a\\\"b\\\"\", \"c\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &[],
        Some("[[\" a\", \" \\\"b\", \" c\\\"\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &["--escapechar", "\\"],
        Some("[[\" a\", \" \\\"b\", \" c\\\"\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\" a\", \" \\\"b\", \" c\\\"\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b, c\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &["--strict"],
        Some("[[\" a\", \" \\\"b\", \" c\\\"\"]]"),
    ),
    (
        " a, \"b, c\"\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\" a\", \" \\\"b\", \" c\\\"\"]]"),
    ),
    ("\n\na\n", &[], Some("[[], [], [\"a\"]]")),
    (
        "\n\na\n",
        &["--escapechar", "\\"],
        Some("[[], [], [\"a\"]]"),
    ),
    (
        "\n\na\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[], [], [\"a\"]]"),
    ),
    (
        "\n\na\n",
        &["--skipinitialspace"],
        Some("[[], [], [\"a\"]]"),
    ),
    ("\n\na\n", &["--strict"], Some("[[], [], [\"a\"]]")),
    (
        "\n\na\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[], [], [\"a\"]]"),
    ),
    ("a,b,\n", &[], Some("[[\"a\", \"b\", \"\"]]")),
    (
        "a,b,\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b\", \"\"]]"),
    ),
    (
        "a,b,\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b\", \"\"]]"),
    ),
    (
        "a,b,\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b\", \"\"]]"),
    ),
    ("a,b,\n", &["--strict"], Some("[[\"a\", \"b\", \"\"]]")),
    (
        "a,b,\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"b\", \"\"]]"),
    ),
    ("\"\",\"\"\n", &[], Some("[[\"\", \"\"]]")),
    (
        "\"\",\"\"\n",
        &["--escapechar", "\\"],
        Some("[[\"\", \"\"]]"),
    ),
    (
        "\"\",\"\"\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"\", \"\"]]"),
    ),
    (
        "\"\",\"\"\n",
        &["--skipinitialspace"],
        Some("[[\"\", \"\"]]"),
    ),
    ("\"\",\"\"\n", &["--strict"], Some("[[\"\", \"\"]]")),
    (
        "\"\",\"\"\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"\\\"\\\"\", \"\\\"\\\"\"]]"),
    ),
    ("a,\"b\" ,c\n", &[], Some("[[\"a\", \"b \", \"c\"]]")),
    (
        "a,\"b\" ,c\n",
        &["--escapechar", "\\"],
        Some("[[\"a\", \"b \", \"c\"]]"),
    ),
    (
        "a,\"b\" ,c\n",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"a\", \"b \", \"c\"]]"),
    ),
    (
        "a,\"b\" ,c\n",
        &["--skipinitialspace"],
        Some("[[\"a\", \"b \", \"c\"]]"),
    ),
    ("a,\"b\" ,c\n", &["--strict"], None),
    (
        "a,\"b\" ,c\n",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"a\", \"\\\"b\\\" \", \"c\"]]"),
    ),
    ("tail\\", &[], Some("[[\"tail\\\\\"]]")),
    ("tail\\", &["--escapechar", "\\"], Some("[[\"tail\\n\"]]")),
    (
        "tail\\",
        &["--no-doublequote", "--escapechar", "\\"],
        Some("[[\"tail\\n\"]]"),
    ),
    ("tail\\", &["--skipinitialspace"], Some("[[\"tail\\\\\"]]")),
    ("tail\\", &["--strict"], Some("[[\"tail\\\\\"]]")),
    (
        "tail\\",
        &["--quoting", "none", "--escapechar", "\\"],
        Some("[[\"tail\\n\"]]"),
    ),
];

const WRITER_INPUT: &str = "{\"id\": 1, \"text\": \"plain\", \"note\": \"b,c\", \"q\": \"say \\\"hi\\\"\"}\n{\"id\": 2, \"text\": \"back\\\\slash\", \"note\": \"line\\nbreak\", \"q\": \"\"}\n{\"id\": 3.5, \"text\": \" lead\", \"note\": null, \"q\": \"semi;colon\"}\n";
/// (quoting, escapechar, doublequote, Python 3.11's DictWriter output or None for its error)
const WRITER_VECTORS: &[(&str, Option<&str>, bool, Option<&str>)] = &[
    (
        "minimal",
        None,
        true,
        Some(
            "id,text,note,q\n1,plain,\"b,c\",\"say \"\"hi\"\"\"\n2,back\\slash,\"line\nbreak\",\n3.5, lead,,semi;colon\n",
        ),
    ),
    ("minimal", None, false, None),
    (
        "minimal",
        Some("\\"),
        true,
        Some(
            "id,text,note,q\n1,plain,\"b,c\",\"say \"\"hi\"\"\"\n2,back\\\\slash,\"line\nbreak\",\n3.5, lead,,semi;colon\n",
        ),
    ),
    (
        "minimal",
        Some("\\"),
        false,
        Some(
            "id,text,note,q\n1,plain,\"b,c\",say \\\"hi\\\"\n2,back\\\\slash,\"line\nbreak\",\n3.5, lead,,semi;colon\n",
        ),
    ),
    (
        "all",
        None,
        true,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n\"1\",\"plain\",\"b,c\",\"say \"\"hi\"\"\"\n\"2\",\"back\\slash\",\"line\nbreak\",\"\"\n\"3.5\",\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    ("all", None, false, None),
    (
        "all",
        Some("\\"),
        true,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n\"1\",\"plain\",\"b,c\",\"say \"\"hi\"\"\"\n\"2\",\"back\\\\slash\",\"line\nbreak\",\"\"\n\"3.5\",\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    (
        "all",
        Some("\\"),
        false,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n\"1\",\"plain\",\"b,c\",\"say \\\"hi\\\"\"\n\"2\",\"back\\\\slash\",\"line\nbreak\",\"\"\n\"3.5\",\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    (
        "nonnumeric",
        None,
        true,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n1,\"plain\",\"b,c\",\"say \"\"hi\"\"\"\n2,\"back\\slash\",\"line\nbreak\",\"\"\n3.5,\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    ("nonnumeric", None, false, None),
    (
        "nonnumeric",
        Some("\\"),
        true,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n1,\"plain\",\"b,c\",\"say \"\"hi\"\"\"\n2,\"back\\\\slash\",\"line\nbreak\",\"\"\n3.5,\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    (
        "nonnumeric",
        Some("\\"),
        false,
        Some(
            "\"id\",\"text\",\"note\",\"q\"\n1,\"plain\",\"b,c\",\"say \\\"hi\\\"\"\n2,\"back\\\\slash\",\"line\nbreak\",\"\"\n3.5,\" lead\",\"\",\"semi;colon\"\n",
        ),
    ),
    ("none", None, true, None),
    ("none", None, false, None),
    (
        "none",
        Some("\\"),
        true,
        Some(
            "id,text,note,q\n1,plain,b\\,c,say \\\"hi\\\"\n2,back\\\\slash,line\\\nbreak,\n3.5, lead,,semi;colon\n",
        ),
    ),
    (
        "none",
        Some("\\"),
        false,
        Some(
            "id,text,note,q\n1,plain,b\\,c,say \\\"hi\\\"\n2,back\\\\slash,line\\\nbreak,\n3.5, lead,,semi;colon\n",
        ),
    ),
];
