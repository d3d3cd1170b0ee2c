import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Json } from "../../src/asl/json.js";
import { compilePath, PathSyntaxError } from "../../src/asl/jsonpath/index.js";

const store: Json = {
  store: {
    book: [
      { category: "reference", author: "Nigel Rees", title: "Sayings", price: 8.95 },
      { category: "fiction", author: "Evelyn Waugh", title: "Sword", price: 12.99, isbn: "0-553" },
      { category: "fiction", author: "Herman Melville", price: 8.99, isbn: "0-395", tags: [] },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
  expensive: 10,
};

const select = (path: string, root: Json = store) => compilePath(path).select(root);
const authors = (path: string) => (select(path) as { author: string }[]).map((b) => b.author);

describe("definite paths", () => {
  test("names, brackets, indexes and negative indexes select one node", () => {
    assert.equal(select("$.store.bicycle.color"), "red");
    assert.equal(select("$['store']['bicycle']['color']"), "red");
    assert.equal(select('$["store"].bicycle["price"]'), 19.95);
    assert.equal(select("$.store.book[0].author"), "Nigel Rees");
    assert.equal(select("$.store.book[-1].author"), "Herman Melville");
    assert.equal(select("$.store.['bicycle'].color"), "red");
    assert.equal(select("$"), store);
    assert.equal(compilePath("$.store.book[1]").definite, true);
  });

  test("absent members and out-of-range indexes give undefined, null is a value", () => {
    assert.equal(select("$.nope"), undefined);
    assert.equal(select("$.store.book[3]"), undefined);
    assert.equal(select("$.store.book[-4]"), undefined);
    assert.equal(select("$.store.book.author"), undefined, "a name on an array selects nothing");
    assert.equal(select("$.store.bicycle[0]"), undefined, "an index on an object selects nothing");
    assert.equal(select("$.a", { a: null }), null);
    assert.equal(select("$.constructor", {}), undefined, "prototype members are not JSON members");
    assert.equal(select("$.__proto__", JSON.parse('{"__proto__": 1}')), 1);
  });

  test("a leaf union of names merges into one object (Jayway)", () => {
    const path = compilePath("$.store.bicycle['color','price','nope']");
    assert.equal(path.definite, true);
    assert.deepEqual(path.select(store), { color: "red", price: 19.95 });
  });

  test("length() counts array elements and object members", () => {
    assert.equal(select("$.store.book.length()"), 3);
    assert.equal(select("$.store.bicycle.length()"), 2);
    assert.equal(select("$.store.bicycle.color.length()"), null);
  });

  test("quoted names keep backslash escapes verbatim, as Step Functions does", () => {
    // Recorded: paths/escape_sequence_parsing_escape_sequences_jsonpath.
    assert.equal(select(`$['Test\\""Name"']`, { 'Test\\""Name"': "v" }), "v");
    assert.equal(select("$['it\\'s']", { "it\\'s": 1 }), 1);
    assert.equal(select("$['a.b']['c d']", { "a.b": { "c d": 2 } }), 2);
    assert.equal(select("$.sub-values", { "sub-values": 3 }), 3);
  });
});

describe("indefinite paths", () => {
  test("wildcards on arrays and objects", () => {
    assert.deepEqual(authors("$.store.book[*]"), ["Nigel Rees", "Evelyn Waugh", "Herman Melville"]);
    assert.deepEqual(select("$.store.bicycle.*"), ["red", 19.95]);
    assert.deepEqual(
      select("$.store.book[*].title"),
      ["Sayings", "Sword"],
      "absent members are skipped",
    );
    assert.deepEqual(select("$.expensive[*]"), [], "a wildcard on a scalar selects nothing");
  });

  test("unions of indexes and names", () => {
    assert.deepEqual(authors("$.store.book[0,2]"), ["Nigel Rees", "Herman Melville"]);
    assert.deepEqual(authors("$.store.book[-1,0,9]"), ["Herman Melville", "Nigel Rees"]);
    assert.deepEqual(select("$.store['bicycle','nope','book'].price"), [19.95]);
  });

  test("slices follow Jayway, including its negative-bound and step handling", () => {
    const a: Json = [0, 1, 2, 3, 4];
    assert.deepEqual(select("$[1:3]", a), [1, 2]);
    assert.deepEqual(select("$[:2]", a), [0, 1]);
    assert.deepEqual(select("$[3:]", a), [3, 4]);
    assert.deepEqual(select("$[-2:]", a), [3, 4]);
    assert.deepEqual(select("$[:-2]", a), [0, 1, 2]);
    assert.deepEqual(select("$[1:99]", a), [1, 2, 3, 4]);
    assert.deepEqual(select("$[-2:-1]", a), [3], "[a:b] wraps each index on its own");
    assert.deepEqual(select("$[0:4:2]", a), [0, 1, 2, 3], "Jayway ignores the step");
    assert.deepEqual(select("$[3:1]", a), []);
    assert.deepEqual(select("$[1:]", {}), []);
  });

  test("deep scan visits every depth in document order", () => {
    assert.deepEqual(select("$..price"), [8.95, 12.99, 8.99, 19.95]);
    assert.deepEqual(select("$..a", { a: { a: 1 }, b: [{ a: 2 }] }), [{ a: 1 }, 1, 2]);
    assert.deepEqual(authors("$..book[2]"), ["Herman Melville"]);
    assert.deepEqual(select("$..book[-1:].isbn"), ["0-395"]);
    assert.deepEqual(select("$..[*]", [[1], 2]), [[1], 2, 1]);
    assert.equal((select("$..*") as Json[]).length, 23);
  });

  test("Jayway quirk: after '..', a non-leaf index applies the next token to every element", () => {
    assert.deepEqual(select("$..[0].x", [{ x: 1 }, { x: 2 }]), [1, 2]);
  });

  test("what the corpus records for paths that match nothing: []", () => {
    for (const path of [
      "$[*]",
      "$.items[*]",
      "$.items[1:]",
      "$.items[:1]",
      "$.items[*].itemValue",
      "$.item.items[1:5].itemValue",
    ]) {
      assert.deepEqual(select(path, {}), [], path);
    }
  });
});

describe("filters", () => {
  test("comparisons against literals and the root", () => {
    assert.deepEqual(authors("$.store.book[?(@.price < 10)]"), ["Nigel Rees", "Herman Melville"]);
    assert.deepEqual(authors("$.store.book[?(@.price >= 12.99)]"), ["Evelyn Waugh"]);
    assert.deepEqual(authors("$.store.book[?(@.price > $.expensive)]"), ["Evelyn Waugh"]);
    assert.deepEqual(authors("$.store.book[?(@.category == 'fiction')]"), [
      "Evelyn Waugh",
      "Herman Melville",
    ]);
    assert.deepEqual(authors('$.store.book[?(@.category != "fiction")]'), ["Nigel Rees"]);
    assert.deepEqual(authors("$.store.book[?(@.author <= 'F')]"), ["Evelyn Waugh"]);
  });

  test("existence, negation, && and || with parentheses", () => {
    assert.deepEqual(authors("$.store.book[?(@.isbn)]"), ["Evelyn Waugh", "Herman Melville"]);
    assert.deepEqual(authors("$.store.book[?(!@.isbn)]"), ["Nigel Rees"]);
    assert.deepEqual(
      authors("$.store.book[?(@.category == 'fiction' && @.price < 10 || @.title == 'Sayings')]"),
      ["Nigel Rees", "Herman Melville"],
    );
    assert.deepEqual(authors("$.store.book[?(!(@.price < 10))]"), ["Evelyn Waugh"]);
    assert.deepEqual(
      authors("$.store.book[?(@.tags)]"),
      ["Herman Melville"],
      "existence ignores the value",
    );
    assert.deepEqual(select("$[?(@.a)]", [{ a: null }, { a: false }, {}]), [
      { a: null },
      { a: false },
    ]);
  });

  test("Jayway value rules: number/string coercion, missing operands, JSON literals", () => {
    const items: Json = [{ v: 1 }, { v: "1" }, { v: true }, { v: [1, 2] }, {}];
    assert.deepEqual(select("$[?(@.v == 1)]", items), [{ v: 1 }, { v: "1" }]);
    assert.deepEqual(select("$[?(@.v == true)]", items), [{ v: true }]);
    assert.deepEqual(select("$[?(@.v == [1,2])]", items), [{ v: [1, 2] }]);
    assert.deepEqual(select("$[?(@.v != 1)]", items), [{ v: true }, { v: [1, 2] }, {}]);
    assert.deepEqual(select("$[?(@.v > 0)]", items), [{ v: 1 }], "ordering never crosses types");
    assert.deepEqual(select("$[?(@.v == null)]", [{ v: null }, {}]), [{ v: null }]);
  });

  test("=~ needs a whole-string match and supports i/m/s flags", () => {
    const items: Json = [{ s: "abc" }, { s: "xabc" }, { s: "ABC" }, { s: 12 }];
    assert.deepEqual(select("$[?(@.s =~ /abc/)]", items), [{ s: "abc" }]);
    assert.deepEqual(
      select("$[?(@.s =~ /a|ab|abc/)]", items),
      [{ s: "abc" }],
      "backtracks to the full match",
    );
    assert.deepEqual(select("$[?(@.s =~ /abc/i)]", items), [{ s: "abc" }, { s: "ABC" }]);
    assert.deepEqual(select("$[?(@.s =~ /\\d+/)]", items), [{ s: 12 }]);
    assert.deepEqual(select("$[?(@.s =~ /a.*/m)]", [{ s: "a\nb" }]), []);
    assert.deepEqual(select("$[?(@.s =~ /a.*/s)]", [{ s: "a\nb" }]), [{ s: "a\nb" }]);
  });

  test("a filter on an object tests the object itself; strings may hold ')' and ']'", () => {
    assert.deepEqual(select("$.o[?(@.k == 1)]", { o: { k: 1 } }), [{ k: 1 }]);
    assert.deepEqual(select("$[?(@.k == ')]')]", [{ k: ")]" }, { k: "x" }]), [{ k: ")]" }]);
    assert.deepEqual(select("$[?(@.a[?(@ > 1)])]", [{ a: [1] }, { a: [1, 2] }]), [{ a: [1, 2] }]);
    assert.deepEqual(select("$[?(@.a.length() > 1)]", [{ a: [1] }, { a: [1, 2] }]), [
      { a: [1, 2] },
    ]);
  });

  test("the corpus' filter case", () => {
    // Recorded: paths/state_pass_regex_json_path_base.
    const input: Json = {
      users: [
        { year: 1997, status: 0 },
        { year: 1998, status: 1 },
      ],
    };
    assert.deepEqual(select("$.users[?(@.status == 0)]", input), [{ year: 1997, status: 0 }]);
  });
});

describe("syntax errors", () => {
  for (const bad of [
    "",
    "a.b",
    "$a",
    "$.",
    "$..",
    "$.a.",
    "$[",
    "$[]",
    "$[a]",
    "$['a'",
    "$['a' 'b']",
    "$[1",
    "$[1.5]",
    "$[99999999999]",
    "$[:]",
    "$[?(@.a == )]",
    "$[?(@.a == 1]",
    "$[?(@.a =~ 'x')]",
    "$[?(@.a =~ /(/)]",
    "$[?(1)]",
    "$.a b",
    "$.a..",
    "$...a",
    "$.foo()",
    "$.length().a",
    "$[?(@.a =~ /x/q)]",
  ]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => compilePath(bad), PathSyntaxError);
    });
  }

  test("deeply nested filters are refused, not a stack overflow", () => {
    let path = "@.a";
    for (let i = 0; i < 200; i++) path = `@[?(${path})]`;
    assert.throws(() => compilePath(`$${path.slice(1)}`), PathSyntaxError);
  });
});

describe("Jayway messages for definite paths that select nothing", () => {
  const missing = (path: string, root: Json) => compilePath(path).missing(root);

  test("recorded texts", () => {
    // paths/invalid_jsonpath_st_invalid_jsonpath_in_inputpath and errors/catch_states_runtime.
    assert.equal(
      missing("$.NoSuchInputPath", { "int-literal": 0 }),
      "No results for path: $['NoSuchInputPath']",
    );
    assert.equal(missing("$.no.such.result.path", {}), "Missing property in path $['no']");
  });

  test("other failure kinds", () => {
    assert.equal(missing("$.a.b.c", { a: {} }), "Missing property in path $['a']['b']");
    assert.equal(missing("$.a[5]", { a: [1] }), "No results for path: $['a'][5]");
    assert.equal(missing('$["a"]', {}), `No results for path: $["a"]`);
    assert.equal(missing("$.a[0]", { a: null }), "The path $['a'] is null");
    assert.match(
      missing("$.a[0]", { a: { b: 1 } }),
      /^Filter: \[0\] can only be applied to arrays/,
    );
    assert.match(
      missing("$.a.b", { a: "x" }),
      /^Expected to find an object with property \['b'\] in path \$\['a'\] but found 'java.lang.String'/,
    );
  });
});
