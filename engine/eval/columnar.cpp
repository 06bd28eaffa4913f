#include "engine/eval/columnar.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>

#include "dsl/cel/functions.hpp"

namespace eco::engine::columnar {

namespace ast = dsl::ast;
namespace cel = dsl::cel;
namespace model = dsl::model;

namespace {

// Three-valued truth in one byte: bit 0 = true, bit 1 = false, neither = undecided. CEL's
// commutative && and || are then bit operations: a result is true when both are true (and) or
// either is (or), false when either is false (and) or both are (or).
constexpr std::uint8_t kU = 0, kT = 1, kF = 2;
inline std::uint8_t tri_and(std::uint8_t a, std::uint8_t b) { return ((a & b) & kT) | ((a | b) & kF); }
inline std::uint8_t tri_or(std::uint8_t a, std::uint8_t b) { return ((a | b) & kT) | ((a & b) & kF); }
inline std::uint8_t tri_not(std::uint8_t a) { return static_cast<std::uint8_t>(((a & kT) << 1) | ((a & kF) >> 1)); }
inline std::uint8_t tri_of(bool b) { return b ? kT : kF; }

// What a vector's values mean. Comparisons are only compiled between like domains, so an int
// is never compared with a date, nor an enum with another enum type.
// `code`: a text column's dictionary codes (Column::codes), compared with constants looked up
// in the same dictionary.
enum class Dom : std::uint8_t { boolean, integer, real, date, enumeration, text, code };
constexpr std::uint32_t kNoCode = ~std::uint32_t{0};  // a text the dictionary lacks: equals no row

// A node's result over the rows of a frame. Booleans are three-valued (`tri`); other values
// come with `valid` (1 = has a value; null = all rows have one). A scalar (a folded constant)
// has one element standing for every row.
struct Vec {
  const std::uint8_t* tri = nullptr;
  const std::int64_t* i = nullptr;
  const double* d = nullptr;
  const std::string_view* s = nullptr;
  const std::uint32_t* u = nullptr;
  const std::uint8_t* valid = nullptr;
  bool scalar = false;
};

// The rows each variable stands for in a frame: `rows[k]`, or `first + k` when rows is null
// (the subject's block, read straight from the columns).
struct VarRows {
  const std::uint32_t* rows = nullptr;
  std::uint32_t first = 0;
  std::uint32_t at(std::uint32_t k) const { return rows ? rows[k] : first + k; }
};

struct Frame {
  std::uint32_t n = 0;
  const VarRows* vars = nullptr;
};

struct Scratch {
  std::vector<std::uint8_t> tri, valid;
  std::vector<std::int64_t> i;
  std::vector<double> d;
  std::vector<std::string_view> s;
  std::vector<std::uint32_t> u, rows, parent_pos, counts;
  std::vector<VarRows> vars;
  std::vector<std::vector<std::uint32_t>> expanded;
  std::uint64_t memo_block = ~std::uint64_t{0};
  Vec memo;
};

}  // namespace

struct Workspace {
  std::vector<Scratch> scratch;
  std::vector<VarRows> top;
  std::uint64_t block = 0;
};

namespace {

struct Node {
  Dom dom = Dom::boolean;
  std::uint32_t enum_type = 0;  // Dom::enumeration: index into Schema::enums
  std::uint32_t id = 0;         // its Scratch in a Workspace
  virtual ~Node() = default;
  virtual Vec eval(const Frame& f, Workspace& ws) const = 0;
  Scratch& scratch(Workspace& ws) const { return ws.scratch[id]; }
};
using NodePtr = std::unique_ptr<Node>;

template <class T>
T* sized(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// A derived frame's variables: each of `vars` taken from `f` at positions pos[0..n) (the open
// rows of a compacted frame, or each child's parent in a child frame). Returns the frame's
// variable array, with room for at least `slots` variables.
VarRows* repeat_vars(Scratch& sc, const Frame& f, const std::vector<std::uint32_t>& vars, const std::uint32_t* pos,
                     std::size_t n, std::size_t slots) {
  VarRows* out = sized(sc.vars, std::max(slots, sc.vars.size()));
  if (sc.expanded.size() < vars.size()) sc.expanded.resize(vars.size());
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const VarRows& from = f.vars[vars[v]];
    std::uint32_t* rows = sized(sc.expanded[v], n);
    for (std::size_t j = 0; j < n; ++j) rows[j] = from.at(pos[j]);
    out[vars[v]] = VarRows{rows, 0};
  }
  return out;
}

// ---- leaves ----

struct ConstNode final : Node {
  std::uint8_t tri = kU;
  std::int64_t i = 0;
  double d = 0;
  std::uint32_t u = kNoCode;
  std::string text;
  std::string_view view;
  Vec eval(const Frame&, Workspace&) const override {
    Vec v;
    v.scalar = true;
    v.tri = &tri;
    v.i = &i;
    v.d = &d;
    v.s = &view;
    v.u = &u;
    return v;
  }
};

// A field of a variable's record, possibly through references first (f.enterprise.county).
// A reference that is empty or dangling leaves the value undecided, as the tree evaluator
// reports it unknown. `test_only` is has(): present or not (undecided when a reference on
// the way is missing).
struct FieldNode final : Node {
  std::uint32_t var = 0;
  std::vector<const std::vector<std::int32_t>*> hops;  // nav arrays followed from the variable's rows
  const Column* column = nullptr;                      // the field read (null: has() of a reference)
  const std::vector<std::int32_t>* final_nav = nullptr;  // has(x.ref): the reference itself
  const std::vector<std::uint32_t>* reverse_offsets = nullptr;  // has(x.children): non-empty
  bool test_only = false;

  Vec eval(const Frame& f, Workspace& ws) const override {
    const VarRows& vr = f.vars[var];
    Scratch& sc = scratch(ws);
    const std::uint32_t n = f.n;
    Vec out;
    if (hops.empty() && !vr.rows && !test_only && column && column->kind != model::Kind::bool_) {
      // Consecutive rows of the column itself: no copy.
      out.valid = column->all_present ? nullptr : column->present.data() + vr.first;
      if (dom == Dom::real) out.d = column->doubles.data() + vr.first;
      else if (dom == Dom::text) out.s = column->strings.data() + vr.first;
      else if (dom == Dom::code) out.u = column->codes.data() + vr.first;
      else out.i = column->ints.data() + vr.first;
      return out;
    }
    if (hops.empty() && !vr.rows && !test_only && column && column->kind == model::Kind::bool_) {
      // Consecutive rows of a bool column: true / false, undecided where missing.
      std::uint8_t* t = sized(sc.tri, n);
      const std::int64_t* v = column->ints.data() + vr.first;
      if (column->all_present)
        for (std::uint32_t k = 0; k < n; ++k) t[k] = static_cast<std::uint8_t>(kF - (v[k] != 0));
      else {
        const std::uint8_t* p = column->present.data() + vr.first;
        for (std::uint32_t k = 0; k < n; ++k) t[k] = static_cast<std::uint8_t>((kF - (v[k] != 0)) * p[k]);
      }
      out.tri = t;
      return out;
    }
    // Rows of the record read, -1 where a reference on the way is missing.
    std::int64_t* target = sized(sc.i, n);
    if (hops.empty() && vr.rows)
      for (std::uint32_t k = 0; k < n; ++k) target[k] = vr.rows[k];
    else if (hops.empty())
      for (std::uint32_t k = 0; k < n; ++k) target[k] = vr.first + k;
    else
      for (std::uint32_t k = 0; k < n; ++k) {
        std::int64_t r = vr.at(k);
        for (const auto* nav : hops) {
          if (r < 0) break;
          r = nav->empty() ? -1 : (*nav)[static_cast<std::size_t>(r)];
        }
        target[k] = r;
      }
    if (test_only) {
      std::uint8_t* t = sized(sc.tri, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::int64_t r = target[k];
        if (r < 0) t[k] = kU;
        else if (column) t[k] = tri_of(column->present[static_cast<std::size_t>(r)] != 0);
        else if (final_nav) t[k] = tri_of(!final_nav->empty() && (*final_nav)[static_cast<std::size_t>(r)] >= 0);
        else {
          const bool any = reverse_offsets && !reverse_offsets->empty() &&
                           (*reverse_offsets)[static_cast<std::size_t>(r) + 1] != (*reverse_offsets)[static_cast<std::size_t>(r)];
          t[k] = tri_of(any);
        }
      }
      out.tri = t;
      return out;
    }
    if (column->kind == model::Kind::bool_) {
      std::uint8_t* t = sized(sc.tri, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::int64_t r = target[k];
        t[k] = r < 0 || !column->present[static_cast<std::size_t>(r)] ? kU : tri_of(column->ints[static_cast<std::size_t>(r)] != 0);
      }
      out.tri = t;
      return out;
    }
    std::uint8_t* valid = sized(sc.valid, n);
    if (hops.empty() && column->all_present) std::fill(valid, valid + n, std::uint8_t{1});
    else
      for (std::uint32_t k = 0; k < n; ++k)
        valid[k] = target[k] >= 0 && column->present[static_cast<std::size_t>(target[k])];
    out.valid = hops.empty() && column->all_present ? nullptr : valid;
    if (dom == Dom::code) {
      std::uint32_t* u = sized(sc.u, n);
      for (std::uint32_t k = 0; k < n; ++k) u[k] = valid[k] ? column->codes[static_cast<std::size_t>(target[k])] : 0;
      out.u = u;
    } else if (dom == Dom::real) {
      double* d = sized(sc.d, n);
      for (std::uint32_t k = 0; k < n; ++k) d[k] = valid[k] ? column->doubles[static_cast<std::size_t>(target[k])] : 0.0;
      out.d = d;
    } else if (dom == Dom::text) {
      std::string_view* s = sized(sc.s, n);
      for (std::uint32_t k = 0; k < n; ++k) s[k] = valid[k] ? column->strings[static_cast<std::size_t>(target[k])] : std::string_view();
      out.s = s;
    } else {
      // Integers overwrite the row numbers in place (each read before its slot is written).
      for (std::uint32_t k = 0; k < n; ++k) target[k] = valid[k] ? column->ints[static_cast<std::size_t>(target[k])] : 0;
      out.i = target;
    }
    return out;
  }
};

// ---- booleans ----

// A boolean operand that may be undecided everywhere (an expression the plan does not cover).
inline std::uint8_t tri_at(const Vec& v, std::uint32_t k) { return v.scalar ? v.tri[0] : v.tri[k]; }

struct UndecidedNode final : Node {
  Vec eval(const Frame&, Workspace&) const override {
    static const std::uint8_t u = kU;
    Vec v;
    v.tri = &u;
    v.scalar = true;
    return v;
  }
};

struct LogicNode final : Node {
  NodePtr l, r;
  bool is_and = true;
  // The right side may be evaluated over only the rows the left side leaves open (a compacted
  // frame of the variables it reads), unless it reads a let (lets are computed per block).
  bool compactable = false;
  std::vector<std::uint32_t> right_vars;

  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec a = l->eval(f, ws);
    const std::uint8_t decisive = is_and ? kF : kT;  // false decides &&, true decides ||
    Scratch& sc = scratch(ws);
    const std::uint32_t n = f.n;
    if (a.scalar && a.tri[0] == decisive) return a;
    std::uint32_t open = n;
    std::uint32_t* sel = nullptr;
    if (!a.scalar) {
      // The rows the left side does not decide; CEL would not need the right side elsewhere.
      sel = sized(sc.rows, n);
      open = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        sel[open] = k;
        open += a.tri[k] != decisive;
      }
      if (open == 0) return a;
    }
    std::uint8_t* t = sized(sc.tri, n);
    if (sel && compactable && open * 4 <= n) {
      VarRows* vars = repeat_vars(sc, f, right_vars, sel, open, right_vars.empty() ? 1 : right_vars.back() + 1);
      const Vec b = r->eval(Frame{open, vars}, ws);
      std::copy(a.tri, a.tri + n, t);
      for (std::uint32_t j = 0; j < open; ++j)
        t[sel[j]] = is_and ? tri_and(a.tri[sel[j]], tri_at(b, j)) : tri_or(a.tri[sel[j]], tri_at(b, j));
    } else {
      const Vec b = r->eval(f, ws);
      if (is_and)
        for (std::uint32_t k = 0; k < n; ++k) t[k] = tri_and(tri_at(a, k), tri_at(b, k));
      else
        for (std::uint32_t k = 0; k < n; ++k) t[k] = tri_or(tri_at(a, k), tri_at(b, k));
    }
    Vec out;
    out.tri = t;
    return out;
  }
};

struct NotNode final : Node {
  NodePtr x;
  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec a = x->eval(f, ws);
    std::uint8_t* t = sized(scratch(ws).tri, f.n);
    for (std::uint32_t k = 0; k < f.n; ++k) t[k] = tri_not(tri_at(a, k));
    Vec out;
    out.tri = t;
    return out;
  }
};

// c ? a : b, for any domain: an undecided condition leaves the row undecided.
struct CondNode final : Node {
  NodePtr c, a, b;
  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec cv = c->eval(f, ws), av = a->eval(f, ws), bv = b->eval(f, ws);
    Scratch& sc = scratch(ws);
    const std::uint32_t n = f.n;
    Vec out;
    if (dom == Dom::boolean) {
      std::uint8_t* t = sized(sc.tri, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint8_t ck = tri_at(cv, k);
        t[k] = ck == kT ? tri_at(av, k) : ck == kF ? tri_at(bv, k) : kU;
      }
      out.tri = t;
      return out;
    }
    std::uint8_t* valid = sized(sc.valid, n);
    auto pick = [&](std::uint32_t k) -> int {  // 0 = a, 1 = b, -1 = undecided
      const std::uint8_t ck = tri_at(cv, k);
      return ck == kT ? 0 : ck == kF ? 1 : -1;
    };
    auto valid_at = [](const Vec& v, std::uint32_t k) -> std::uint8_t {
      return !v.valid ? 1 : v.valid[v.scalar ? 0 : k];
    };
    for (std::uint32_t k = 0; k < n; ++k) {
      const int p = pick(k);
      valid[k] = p < 0 ? 0 : valid_at(p == 0 ? av : bv, k);
    }
    out.valid = valid;
    if (dom == Dom::real) {
      double* d = sized(sc.d, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const int p = pick(k);
        const Vec& v = p == 0 ? av : bv;
        d[k] = p < 0 ? 0.0 : v.d[v.scalar ? 0 : k];
      }
      out.d = d;
    } else if (dom == Dom::text) {
      std::string_view* s = sized(sc.s, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const int p = pick(k);
        const Vec& v = p == 0 ? av : bv;
        s[k] = p < 0 ? std::string_view() : v.s[v.scalar ? 0 : k];
      }
      out.s = s;
    } else {
      std::int64_t* i = sized(sc.i, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const int p = pick(k);
        const Vec& v = p == 0 ? av : bv;
        i[k] = p < 0 ? 0 : v.i[v.scalar ? 0 : k];
      }
      out.i = i;
    }
    return out;
  }
};

// ---- comparisons ----

enum class Cmp : std::uint8_t { eq, ne, lt, le, gt, ge };

template <class T>
inline bool compare(Cmp op, const T& a, const T& b) {
  switch (op) {
    case Cmp::eq: return a == b;
    case Cmp::ne: return !(a == b);
    case Cmp::lt: return a < b;
    case Cmp::le: return a <= b;
    case Cmp::gt: return a > b;
    default: return a >= b;
  }
}

// Compares two value vectors row by row: true / false where both have values, undecided
// where either is missing. The common shapes (a column against a constant) get their own
// loops so that the comparison is the only work per row.
template <class T, Cmp op>
void compare_loop(const T* a, bool as, const T* b, bool bs, std::uint32_t n, std::uint8_t* out) {
  if (bs && !as) {
    const T c = b[0];
    for (std::uint32_t k = 0; k < n; ++k) out[k] = tri_of(compare(op, a[k], c));
  } else if (as && !bs) {
    const T c = a[0];
    for (std::uint32_t k = 0; k < n; ++k) out[k] = tri_of(compare(op, c, b[k]));
  } else {
    for (std::uint32_t k = 0; k < n; ++k) out[k] = tri_of(compare(op, a[as ? 0 : k], b[bs ? 0 : k]));
  }
}

template <class T>
void compare_values(Cmp op, const T* a, bool as, const T* b, bool bs, std::uint32_t n, std::uint8_t* out) {
  switch (op) {
    case Cmp::eq: return compare_loop<T, Cmp::eq>(a, as, b, bs, n, out);
    case Cmp::ne: return compare_loop<T, Cmp::ne>(a, as, b, bs, n, out);
    case Cmp::lt: return compare_loop<T, Cmp::lt>(a, as, b, bs, n, out);
    case Cmp::le: return compare_loop<T, Cmp::le>(a, as, b, bs, n, out);
    case Cmp::gt: return compare_loop<T, Cmp::gt>(a, as, b, bs, n, out);
    default: return compare_loop<T, Cmp::ge>(a, as, b, bs, n, out);
  }
}

// Rows where an operand has no value become undecided.
void mask_valid(const Vec& v, std::uint32_t n, std::uint8_t* out) {
  if (!v.valid) return;
  if (v.scalar) {
    if (!v.valid[0]) std::fill(out, out + n, kU);
    return;
  }
  for (std::uint32_t k = 0; k < n; ++k) out[k] = static_cast<std::uint8_t>(out[k] * v.valid[k]);
}

struct CompareNode final : Node {
  NodePtr l, r;
  Cmp op = Cmp::eq;
  Dom operands = Dom::integer;
  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec a = l->eval(f, ws), b = r->eval(f, ws);
    const std::uint32_t n = f.n;
    std::uint8_t* t = sized(scratch(ws).tri, n);
    switch (operands) {
      case Dom::boolean:
        // Booleans compare where both are decided.
        for (std::uint32_t k = 0; k < n; ++k) {
          const std::uint8_t x = tri_at(a, k), y = tri_at(b, k);
          t[k] = x == kU || y == kU ? kU : tri_of((x == y) == (op == Cmp::eq));
        }
        break;
      case Dom::real: compare_values(op, a.d, a.scalar, b.d, b.scalar, n, t); break;
      case Dom::text: compare_values(op, a.s, a.scalar, b.s, b.scalar, n, t); break;
      case Dom::code: compare_values(op, a.u, a.scalar, b.u, b.scalar, n, t); break;
      default: compare_values(op, a.i, a.scalar, b.i, b.scalar, n, t); break;
    }
    mask_valid(a, n, t);
    mask_valid(b, n, t);
    Vec out;
    out.tri = t;
    return out;
  }
};

// x in [constants]: integers and dates by value, texts by text, enums by value index.
struct InNode final : Node {
  NodePtr x;
  std::vector<std::int64_t> ints;       // Dom::integer, Dom::date
  std::vector<std::string> texts;       // Dom::text
  std::vector<std::uint8_t> members;    // Dom::enumeration, Dom::code: 1 for each index in the list
  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec v = x->eval(f, ws);
    const std::uint32_t n = f.n;
    std::uint8_t* t = sized(scratch(ws).tri, n);
    const Dom d = x->dom;
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::uint32_t j = v.scalar ? 0 : k;
      bool in = false;
      if (d == Dom::code) {
        in = v.u[j] < members.size() && members[v.u[j]];
      } else if (d == Dom::enumeration) {
        const std::int64_t e = v.i[j];
        in = e >= 0 && static_cast<std::size_t>(e) < members.size() && members[static_cast<std::size_t>(e)];
      } else if (d == Dom::text) {
        for (const auto& s : texts)
          if (v.s[j] == s) {
            in = true;
            break;
          }
      } else {
        for (std::int64_t c : ints)
          if (v.i[j] == c) {
            in = true;
            break;
          }
      }
      t[k] = tri_of(in);
    }
    mask_valid(v, n, t);
    Vec out;
    out.tri = t;
    return out;
  }
};

// ---- arithmetic ----

enum class Arith : std::uint8_t { add, sub, mul, div, mod, neg };

// d[k] = f(a[k], b[k]) with either side possibly a scalar, in loops the compiler vectorises.
template <class F>
void map2(const double* a, bool as, const double* b, bool bs, std::uint32_t n, double* d, F f) {
  if (!as && !bs)
    for (std::uint32_t k = 0; k < n; ++k) d[k] = f(a[k], b[k]);
  else if (as && !bs)
    for (std::uint32_t k = 0; k < n; ++k) d[k] = f(a[0], b[k]);
  else if (!as)
    for (std::uint32_t k = 0; k < n; ++k) d[k] = f(a[k], b[0]);
  else
    std::fill(d, d + n, f(a[0], b[0]));
}

// Integer arithmetic: an overflow, a division by zero is undecided (the tree evaluator
// reports an error there). Double arithmetic follows IEEE 754 as the tree evaluator does,
// except that a division by zero is left to the tree.
struct ArithNode final : Node {
  NodePtr l, r;  // r null for negation
  Arith op = Arith::add;
  Vec eval(const Frame& f, Workspace& ws) const override {
    const Vec a = l->eval(f, ws);
    const Vec b = r ? r->eval(f, ws) : a;
    Scratch& sc = scratch(ws);
    const std::uint32_t n = f.n;
    // Validity is computed only where it can be lacking: an operand with missing values, or
    // an operation that can fail (integers, double division).
    const bool can_fail = dom == Dom::integer || op == Arith::div;
    std::uint8_t* valid = nullptr;
    if (a.valid || b.valid || can_fail) {
      valid = sized(sc.valid, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint8_t va = !a.valid ? 1 : a.valid[a.scalar ? 0 : k];
        const std::uint8_t vb = !b.valid ? 1 : b.valid[b.scalar ? 0 : k];
        valid[k] = static_cast<std::uint8_t>(va & vb);
      }
    }
    Vec out;
    out.valid = valid;
    if (dom == Dom::real) {
      double* d = sized(sc.d, n);
      switch (op) {
        case Arith::add: map2(a.d, a.scalar, b.d, b.scalar, n, d, [](double x, double y) { return x + y; }); break;
        case Arith::sub: map2(a.d, a.scalar, b.d, b.scalar, n, d, [](double x, double y) { return x - y; }); break;
        case Arith::mul: map2(a.d, a.scalar, b.d, b.scalar, n, d, [](double x, double y) { return x * y; }); break;
        case Arith::div:
          for (std::uint32_t k = 0; k < n; ++k) {
            const double x = a.d[a.scalar ? 0 : k], y = b.d[b.scalar ? 0 : k];
            if (y == 0.0) valid[k] = 0;
            d[k] = y == 0.0 ? 0.0 : x / y;
          }
          break;
        default: map2(a.d, a.scalar, a.d, a.scalar, n, d, [](double x, double) { return -x; }); break;
      }
      out.d = d;
      return out;
    }
    std::int64_t* i = sized(sc.i, n);
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::int64_t x = a.i[a.scalar ? 0 : k], y = b.i[b.scalar ? 0 : k];
      std::int64_t z = 0;
      bool bad = false;
      switch (op) {
        case Arith::add: bad = __builtin_add_overflow(x, y, &z); break;
        case Arith::sub: bad = __builtin_sub_overflow(x, y, &z); break;
        case Arith::mul: bad = __builtin_mul_overflow(x, y, &z); break;
        case Arith::div:
        case Arith::mod:
          bad = y == 0 || (x == std::numeric_limits<std::int64_t>::min() && y == -1);
          z = bad ? 0 : op == Arith::div ? x / y : x % y;
          break;
        default:
          bad = x == std::numeric_limits<std::int64_t>::min();
          z = bad ? 0 : -x;
          break;
      }
      i[k] = z;
      if (bad) valid[k] = 0;
    }
    out.i = i;
    return out;
  }
};

// ---- reverse lists ----

// The children of each row of a variable's record through reverse list `offsets`/`children`
// (CSR), after following `hops` (references) from the variable. `size` counts them; a
// quantifier evaluates `body` over all the children of the frame at once (a child frame in
// which the outer variables are repeated per child) and folds the results per row:
// exists = true if any is true, else undecided if any is, else false; all likewise.
struct ChildrenNode final : Node {
  std::uint32_t var = 0;
  std::vector<const std::vector<std::int32_t>*> hops;
  const std::vector<std::uint32_t>* offsets = nullptr;
  const std::vector<std::uint32_t>* children = nullptr;
  bool in_order = false;  // Table::reverse_in_order
  enum Kind : std::uint8_t { size, exists, all } kind = size;
  NodePtr body;
  std::uint32_t child_var = 0;
  std::vector<std::uint32_t> outer_vars;  // variables of the enclosing frames the body reads

  Vec eval(const Frame& f, Workspace& ws) const override {
    Scratch& sc = scratch(ws);
    const std::uint32_t n = f.n;
    const VarRows& vr = f.vars[var];
    // Per row: the child count, or -1 when a reference on the way is missing.
    std::int64_t* base = sized(sc.i, n);
    std::uint32_t* count = sized(sc.counts, n);
    std::size_t total = 0;
    // Consecutive parents whose children are stored in order: the children are one run of
    // child rows, read in place.
    const bool in_place = in_order && hops.empty() && !vr.rows && !offsets->empty();
    for (std::uint32_t k = 0; k < n && in_place; ++k) {
      base[k] = (*offsets)[vr.first + k];
      count[k] = (*offsets)[vr.first + k + 1] - (*offsets)[vr.first + k];
      total += count[k];
    }
    for (std::uint32_t k = 0; k < n && !in_place; ++k) {
      std::int64_t r = vr.at(k);
      for (const auto* nav : hops) {
        if (r < 0) break;
        r = nav->empty() ? -1 : (*nav)[static_cast<std::size_t>(r)];
      }
      if (r < 0 || offsets->empty()) {
        base[k] = r < 0 ? -1 : 0;
        count[k] = 0;
        continue;
      }
      base[k] = (*offsets)[static_cast<std::size_t>(r)];
      count[k] = (*offsets)[static_cast<std::size_t>(r) + 1] - (*offsets)[static_cast<std::size_t>(r)];
      total += count[k];
    }
    Vec out;
    if (kind == size) {
      std::uint8_t* valid = sized(sc.valid, n);
      for (std::uint32_t k = 0; k < n; ++k) {
        valid[k] = base[k] >= 0;
        base[k] = base[k] >= 0 ? count[k] : 0;
      }
      out.i = base;
      out.valid = valid;
      return out;
    }
    // The child frame: every child of the block's rows, in row order.
    std::uint32_t* rows = in_place ? nullptr : sized(sc.rows, total);
    std::uint32_t* parent = outer_vars.empty() ? nullptr : sized(sc.parent_pos, total);
    std::size_t c = 0;
    for (std::uint32_t k = 0; k < n && (rows || parent); ++k)
      for (std::uint32_t j = 0; j < count[k]; ++j, ++c) {
        if (rows) rows[c] = (*children)[static_cast<std::size_t>(base[k]) + j];
        if (parent) parent[c] = k;
      }
    std::uint8_t* t = sized(sc.tri, n);
    if (total > 0) {
      VarRows* vars = repeat_vars(sc, f, outer_vars, parent, total, child_var + 1);
      vars[child_var] = in_place ? VarRows{nullptr, static_cast<std::uint32_t>(base[0])} : VarRows{rows, 0};
      const Vec b = body->eval(Frame{static_cast<std::uint32_t>(total), vars}, ws);
      // Per row, whether any of its children (a run of positions) is true, false or undecided:
      // one pass notes, at each position, the last position so far holding each value; a row's
      // run holds one if that last position is within the run. No inner loop per row, whose
      // short and varying trip counts the branch predictor cannot learn.
      const std::uint32_t m = static_cast<std::uint32_t>(total);
      std::int32_t* last = reinterpret_cast<std::int32_t*>(sized(sc.u, std::size_t{m} * 3));
      std::int32_t lt = -1, lf = -1, lu = -1;
      for (std::uint32_t x = 0; x < m; ++x) {
        const std::uint8_t v = b.scalar ? b.tri[0] : b.tri[x];
        const auto pos = static_cast<std::int32_t>(x);
        lt = v == kT ? pos : lt;
        lf = v == kF ? pos : lf;
        lu = v == kU ? pos : lu;
        last[3 * x] = lt;
        last[3 * x + 1] = lf;
        last[3 * x + 2] = lu;
      }
      std::int32_t start = 0;
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::int32_t end = start + static_cast<std::int32_t>(count[k]);  // the run [start, end)
        if (end == start) {
          t[k] = kind == exists ? kF : kT;
          continue;
        }
        const std::int32_t* at = last + 3 * (end - 1);
        const bool any_t = at[0] >= start, any_f = at[1] >= start, any_u = at[2] >= start;
        if (kind == exists) t[k] = any_t ? kT : any_u ? kU : kF;
        else t[k] = any_f ? kF : any_u ? kU : kT;
        start = end;
      }
    } else {
      for (std::uint32_t k = 0; k < n; ++k) t[k] = kind == exists ? kF : kT;
    }
    for (std::uint32_t k = 0; k < n; ++k)
      if (base[k] < 0) t[k] = kU;
    out.tri = t;
    return out;
  }
};

// A let of the rule: evaluated once per block of subjects, however often it is used.
struct LetNode final : Node {
  const Node* value = nullptr;
  Vec eval(const Frame& f, Workspace& ws) const override {
    Scratch& sc = scratch(ws);
    if (sc.memo_block != ws.block) {
      sc.memo = value->eval(f, ws);
      sc.memo_block = ws.block;
    }
    return sc.memo;
  }
};

// ---- the compiler ----

std::optional<Cmp> comparison(std::string_view fn) {
  if (fn == "_==_") return Cmp::eq;
  if (fn == "_!=_") return Cmp::ne;
  if (fn == "_<_") return Cmp::lt;
  if (fn == "_<=_") return Cmp::le;
  if (fn == "_>_") return Cmp::gt;
  if (fn == "_>=_") return Cmp::ge;
  return std::nullopt;
}

class Compiler {
 public:
  Compiler(const cel::Env& env, cel::Activation& constants, const Snapshot& snap)
      : env_(env), constants_(constants), snap_(snap), schema_(snap.schema()) {}

  std::uint32_t new_var() { return vars_++; }
  std::uint32_t var_count() const { return vars_; }
  std::uint32_t node_count() const { return nodes_; }
  std::vector<NodePtr>& lets() { return let_values_; }

  void bind(const std::string& name, std::uint32_t var, std::uint32_t record) {
    scope_.push_back({name, var, record});
  }

  void add_let(const std::string& name, const model::CheckedExpr& value) {
    let_values_.push_back(compile(value.expr, value));
    let_names_.push_back(name);
  }

  // The node computing `e`, or null when it cannot be computed column-wise.
  NodePtr compile(const ast::Expr& e, const model::CheckedExpr& ck) {
    if (!uses_variables(e, {})) return fold(e, ck);
    if (const auto* c = e.as<ast::Call>()) return call(e, *c, ck);
    if (const auto* s = e.as<ast::Select>()) return select(e, *s, ck);
    if (const auto* id = e.as<ast::Ident>()) return ident(*id);
    if (const auto* m = e.as<ast::Comprehension>()) return comprehension(*m, ck);
    return nullptr;
  }

  // A boolean node, undecided where the expression cannot be computed column-wise.
  NodePtr boolean(const ast::Expr& e, const model::CheckedExpr& ck) {
    NodePtr n = compile(e, ck);
    if (n && n->dom == Dom::boolean) return n;
    return finish(std::make_unique<UndecidedNode>(), Dom::boolean);
  }

  static bool undecided(const NodePtr& n) { return !n || dynamic_cast<const UndecidedNode*>(n.get()); }

  // `unknown_when u` in front of a requirement: `rest` where u is clearly false, undecided
  // where it holds (the verdict is unknown, which the tree builds) or cannot be decided.
  NodePtr unless(NodePtr u, NodePtr rest) {
    if (undecided(u) || undecided(rest)) return finish(std::make_unique<UndecidedNode>(), Dom::boolean);
    auto n = std::make_unique<CondNode>();
    n->c = std::move(u);
    n->a = finish(std::make_unique<UndecidedNode>(), Dom::boolean);
    n->b = std::move(rest);
    return finish(std::move(n), Dom::boolean);
  }

 private:
  struct Local {
    std::string name;
    std::uint32_t var;
    std::uint32_t record;
  };

  NodePtr finish(NodePtr n, Dom dom, std::uint32_t enum_type = 0) {
    n->dom = dom;
    n->enum_type = enum_type;
    n->id = nodes_++;
    return n;
  }

  const Local* local(std::string_view name) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->name == name) return &*it;
    return nullptr;
  }
  bool is_let(std::string_view name) const {
    return std::find(let_names_.begin(), let_names_.end(), name) != let_names_.end();
  }

  // Whether `e` reads a rule variable, a let or a comprehension variable of the rule (rather
  // than only constants, parameters and the evaluation date). `inner`: names bound inside e.
  bool uses_variables(const ast::Expr& e, std::vector<std::string_view> inner) const {
    if (const auto* id = e.as<ast::Ident>()) {
      if (std::find(inner.begin(), inner.end(), id->name) != inner.end()) return false;
      return local(id->name) || is_let(id->name);
    }
    if (const auto* s = e.as<ast::Select>()) return s->operand && uses_variables(*s->operand, inner);
    if (const auto* c = e.as<ast::Call>()) {
      if (c->target && uses_variables(*c->target, inner)) return true;
      for (const auto& a : c->args)
        if (uses_variables(a, inner)) return true;
      return false;
    }
    if (const auto* l = e.as<ast::CreateList>()) {
      for (const auto& x : l->elements)
        if (uses_variables(x, inner)) return true;
      return false;
    }
    if (const auto* m = e.as<ast::CreateMap>()) {
      for (const auto& en : m->entries)
        if ((en.key && uses_variables(*en.key, inner)) || (en.value && uses_variables(*en.value, inner))) return true;
      return false;
    }
    if (const auto* m = e.as<ast::Comprehension>()) {
      if (m->iter_range && uses_variables(*m->iter_range, inner)) return true;
      if (m->accu_init && uses_variables(*m->accu_init, inner)) return true;
      inner.push_back(m->iter_var);
      inner.push_back(m->accu_var);
      for (const auto* x : {m->loop_condition.get(), m->loop_step.get(), m->result.get()})
        if (x && uses_variables(*x, inner)) return true;
      return false;
    }
    if (e.as<ast::CreateStruct>()) return true;  // not supported: never folded
    return false;
  }

  // An expression of constants, parameters and the evaluation date: computed once, by the
  // tree evaluator, so that it means exactly what it means there.
  NodePtr fold(const ast::Expr& e, const model::CheckedExpr& ck) {
    const auto v = fold_value(e, ck);
    if (!v) return nullptr;
    auto n = std::make_unique<ConstNode>();
    switch (v->kind()) {
      case cel::ValueKind::bool_:
        n->tri = tri_of(v->as_bool());
        return finish(std::move(n), Dom::boolean);
      case cel::ValueKind::int_:
        n->i = v->as_int();
        return finish(std::move(n), Dom::integer);
      case cel::ValueKind::double_:
        n->d = v->as_double();
        return finish(std::move(n), Dom::real);
      case cel::ValueKind::date:
        n->i = v->as_date().days;
        return finish(std::move(n), Dom::date);
      case cel::ValueKind::string: {
        n->text = std::string(v->text());
        auto* raw = n.get();
        auto out = finish(std::move(n), Dom::text);
        raw->view = raw->text;
        return out;
      }
      case cel::ValueKind::enum_: {
        if (v->enum_index() >= schema_.enums.size()) return nullptr;
        const int i = schema_.enums[v->enum_index()].find(v->text());
        if (i < 0) return nullptr;
        n->i = i;
        return finish(std::move(n), Dom::enumeration, v->enum_index());
      }
      default: return nullptr;  // lists and maps: only `in` takes them, through fold_value
    }
  }

  // The value of an expression of constants, parameters and the evaluation date, owning its
  // text; none when it reads a variable or evaluates to an error or unknown.
  std::optional<cel::Value> fold_value(const ast::Expr& e, const model::CheckedExpr& ck) {
    if (uses_variables(e, {})) return std::nullopt;
    cel::CompileOptions o;
    o.refs = &ck.refs;
    const auto program = cel::compile(e, env_, o);
    cel::Activation act = constants_;
    if (act.slots.size() < program->slot_count()) act.slots.resize(program->slot_count());
    cel::Value v = cel::to_owned(program->evaluate(act));  // the program dies here
    if (v.is_error_or_unknown()) return std::nullopt;
    return v;
  }

  NodePtr ident(const ast::Ident& id) {
    if (local(id.name)) return nullptr;  // a record as a value: only its fields are read
    for (std::size_t i = 0; i < let_names_.size(); ++i)
      if (let_names_[i] == id.name) {
        // Lets are values of the subject's frame; a quantifier's body sees other rows.
        if (!let_values_[i] || depth_ > 0) return nullptr;
        auto n = std::make_unique<LetNode>();
        n->value = let_values_[i].get();
        ++let_refs_;
        const Dom d = let_values_[i]->dom;
        const std::uint32_t et = let_values_[i]->enum_type;
        return finish(std::move(n), d, et);
      }
    return nullptr;
  }

  // A chain var.ref1.ref2...last: the variable, the reference fields followed, and the last
  // selection's resolution.
  struct Chain {
    const Local* var = nullptr;
    std::vector<const std::vector<std::int32_t>*> hops;
    std::uint32_t record = 0;  // record type of the last selection's operand
    const model::Ref* last = nullptr;
  };
  std::optional<Chain> chain(const ast::Expr& e, const model::CheckedExpr& ck) {
    std::vector<const ast::Expr*> sels;
    const ast::Expr* cur = &e;
    while (const auto* s = cur->as<ast::Select>()) {
      if (!s->operand) return std::nullopt;
      sels.push_back(cur);
      cur = s->operand.get();
    }
    const auto* root = cur->as<ast::Ident>();
    if (!root || sels.empty()) return std::nullopt;
    Chain out;
    out.var = local(root->name);
    if (!out.var) return std::nullopt;
    std::uint32_t record = out.var->record;
    for (std::size_t i = sels.size(); i-- > 0;) {
      auto it = ck.refs.find(sels[i]->id);
      if (it == ck.refs.end() || it->second.record != record) return std::nullopt;
      const model::Ref& ref = it->second;
      if (i == 0) {
        out.record = record;
        out.last = &ref;
        return out;
      }
      // Inner selections must be references to another record.
      if (ref.kind != model::Ref::Kind::nav || sels[i]->as<ast::Select>()->test_only) return std::nullopt;
      const auto& fd = schema_.records[record].fields[ref.index];
      if (!fd.ref) return std::nullopt;
      out.hops.push_back(&snap_.table(record).nav[ref.index]);
      record = fd.ref->target;
    }
    return std::nullopt;
  }

  // Whether a `complete` (reverse list) or `valid` (field) declaration applies to `ref`.
  bool guarded(model::Guard::Kind kind, const model::Ref& ref, std::uint32_t record) const {
    const bool list = ref.kind == model::Ref::Kind::reverse, field = ref.kind == model::Ref::Kind::field;
    if (!env_.ruleset() || (kind == model::Guard::Kind::complete ? !list : !field)) return false;
    return env_.ruleset()->find_guard(kind, record, ref.index) != nullptr;
  }

  NodePtr select(const ast::Expr& e, const ast::Select& s, const model::CheckedExpr& ck) {
    auto ch = chain(e, ck);
    if (!ch) return nullptr;
    const model::Ref& ref = *ch->last;
    const auto& rt = schema_.records[ch->record];
    auto n = std::make_unique<FieldNode>();
    n->var = ch->var->var;
    note_var(n->var);
    n->hops = ch->hops;
    n->test_only = s.test_only;
    // Values a `valid` declaration governs and lists a `complete` one covers are left to the
    // tree evaluator (CompleteListNode, ValidFieldNode in dsl/cel/compile.cpp).
    if (guarded(s.test_only ? model::Guard::Kind::complete : model::Guard::Kind::valid, ref, ch->record)) return nullptr;
    if (ref.kind == model::Ref::Kind::field && ref.index < rt.fields.size()) {
      const Column& col = snap_.table(ch->record).columns[ref.index];
      n->column = &col;
      if (s.test_only) return finish(std::move(n), Dom::boolean);
      const auto& ft = rt.fields[ref.index].type;
      switch (col.kind) {
        case model::Kind::bool_: return finish(std::move(n), Dom::boolean);
        case model::Kind::int_: return finish(std::move(n), Dom::integer);
        case model::Kind::double_: return finish(std::move(n), Dom::real);
        case model::Kind::date: return finish(std::move(n), Dom::date);
        case model::Kind::string: return finish(std::move(n), Dom::text);
        case model::Kind::enum_:
          if (!ft.enum_type) return nullptr;
          return finish(std::move(n), Dom::enumeration, static_cast<std::uint32_t>(ft.enum_type - schema_.enums.data()));
        default: return nullptr;
      }
    }
    if (!s.test_only) return nullptr;  // a record or a list as a value
    if (ref.kind == model::Ref::Kind::nav && ref.index < rt.fields.size()) {
      n->final_nav = &snap_.table(ch->record).nav[ref.index];
      return finish(std::move(n), Dom::boolean);
    }
    if (ref.kind == model::Ref::Kind::reverse && ref.index < rt.reverse_lists.size()) {
      n->reverse_offsets = &snap_.table(ch->record).reverse_offsets[ref.index];
      return finish(std::move(n), Dom::boolean);
    }
    return nullptr;
  }

  // The reverse list `e` selects (x.children), as a ChildrenNode without its kind yet.
  std::unique_ptr<ChildrenNode> children(const ast::Expr& e, const model::CheckedExpr& ck) {
    if (!e.as<ast::Select>() || e.as<ast::Select>()->test_only) return nullptr;
    auto ch = chain(e, ck);
    if (!ch || ch->last->kind != model::Ref::Kind::reverse) return nullptr;
    const auto& rt = schema_.records[ch->record];
    if (ch->last->index >= rt.reverse_lists.size()) return nullptr;
    if (guarded(model::Guard::Kind::complete, *ch->last, ch->record)) return nullptr;
    auto n = std::make_unique<ChildrenNode>();
    n->var = ch->var->var;
    note_var(n->var);
    n->hops = ch->hops;
    const Table& t = snap_.table(ch->record);
    n->offsets = &t.reverse_offsets[ch->last->index];
    n->children = &t.reverse_rows[ch->last->index];
    n->in_order = t.reverse_in_order[ch->last->index];
    child_record_ = rt.reverse_lists[ch->last->index].child;
    return n;
  }

  NodePtr comprehension(const ast::Comprehension& m, const model::CheckedExpr& ck) {
    if (m.macro != "exists" && m.macro != "all") return nullptr;
    if (!m.iter_range || !m.loop_step) return nullptr;
    const auto* step = m.loop_step->as<ast::Call>();
    if (!step || step->args.size() != 2 || step->function != (m.macro == "all" ? "_&&_" : "_||_")) return nullptr;
    auto n = children(*m.iter_range, ck);
    if (!n) return nullptr;
    n->kind = m.macro == "all" ? ChildrenNode::all : ChildrenNode::exists;
    const std::vector<Local> outer = scope_;
    n->child_var = new_var();
    bind(m.iter_var, n->child_var, child_record_);
    std::vector<std::uint32_t> used;
    collectors_.push_back(&used);
    ++depth_;
    n->body = boolean(step->args[1], ck);
    --depth_;
    collectors_.pop_back();
    scope_.pop_back();
    // Only the outer variables the body reads are repeated per child.
    for (const auto& l : outer)
      if (std::find(used.begin(), used.end(), l.var) != used.end()) n->outer_vars.push_back(l.var);
    if (undecided(n->body)) return nullptr;
    return finish(std::move(n), Dom::boolean);
  }

  void note_var(std::uint32_t var) {
    for (auto* c : collectors_) c->push_back(var);
  }

  // A text column with a dictionary compared with a text constant: codes instead of texts.
  static std::uint32_t code_of(const Column& c, std::string_view text) {
    for (std::size_t i = 0; i < c.dictionary.size(); ++i)
      if (c.dictionary[i] == text) return static_cast<std::uint32_t>(i);
    return kNoCode;
  }
  static FieldNode* coded_field(const NodePtr& n) {
    auto* f = dynamic_cast<FieldNode*>(n.get());
    return f && f->dom == Dom::text && f->column && !f->column->codes.empty() ? f : nullptr;
  }
  static void to_codes(NodePtr& a, NodePtr& b) {
    for (int side = 0; side < 2; ++side) {
      FieldNode* f = coded_field(side ? b : a);
      auto* c = dynamic_cast<ConstNode*>((side ? a : b).get());
      if (!f || !c || c->dom != Dom::text) continue;
      f->dom = Dom::code;
      c->dom = Dom::code;
      c->u = code_of(*f->column, c->text);
      return;
    }
  }

  static bool comparable(const Node& a, const Node& b) {
    if (a.dom != b.dom) return false;
    return a.dom != Dom::enumeration || a.enum_type == b.enum_type;
  }

  // An enum value written as text against an enum: the text becomes the value's index
  // (-1 when the enum has no such value: then it equals nothing, as in the tree evaluator).
  NodePtr as_enum(NodePtr text_const, std::uint32_t enum_type) {
    auto* c = dynamic_cast<ConstNode*>(text_const.get());
    if (!c || c->dom != Dom::text || enum_type >= schema_.enums.size()) return nullptr;
    auto n = std::make_unique<ConstNode>();
    n->i = schema_.enums[enum_type].find(c->text);
    return finish(std::move(n), Dom::enumeration, enum_type);
  }

  NodePtr call(const ast::Expr& e, const ast::Call& c, const model::CheckedExpr& ck) {
    const std::string& fn = c.function;
    // The registry says which overloads the plans compute (and over which domain); a call the
    // checker left open (dyn operands) is planned by its operands' domains, or not at all.
    const cel::Overload* ov = nullptr;
    if (auto it = ck.refs.find(e.id); it != ck.refs.end() && it->second.kind == model::Ref::Kind::function)
      ov = cel::find_overload(it->second.name);
    if (ov && ov->columnar == cel::Columnar::none) return nullptr;
    if (!c.target && (fn == "_&&_" || fn == "_||_") && c.args.size() == 2) {
      auto n = std::make_unique<LogicNode>();
      n->is_and = fn == "_&&_";
      n->l = boolean(c.args[0], ck);
      const std::uint32_t lets_before = let_refs_;
      std::vector<std::uint32_t> used;
      collectors_.push_back(&used);
      n->r = boolean(c.args[1], ck);
      collectors_.pop_back();
      for (std::uint32_t v : used) note_var(v);
      if (undecided(n->l) && undecided(n->r)) return nullptr;
      // A side the plan cannot compute goes second: either order gives the same result (CEL's
      // && and || are commutative), and the first side can spare evaluating the second.
      if (undecided(n->l)) std::swap(n->l, n->r);
      else {
        n->compactable = let_refs_ == lets_before;
        for (const auto& l : scope_)
          if (std::find(used.begin(), used.end(), l.var) != used.end()) n->right_vars.push_back(l.var);
        std::sort(n->right_vars.begin(), n->right_vars.end());
      }
      return finish(std::move(n), Dom::boolean);
    }
    if (!c.target && fn == "!_" && c.args.size() == 1) {
      auto n = std::make_unique<NotNode>();
      n->x = compile(c.args[0], ck);
      if (!n->x || n->x->dom != Dom::boolean) return nullptr;
      return finish(std::move(n), Dom::boolean);
    }
    if (!c.target && fn == "_?_:_" && c.args.size() == 3) {
      auto n = std::make_unique<CondNode>();
      n->c = compile(c.args[0], ck);
      if (!n->c || n->c->dom != Dom::boolean) return nullptr;
      n->a = compile(c.args[1], ck);
      n->b = compile(c.args[2], ck);
      if (!n->a || !n->b || !comparable(*n->a, *n->b)) return nullptr;
      const Dom d = n->a->dom;
      const std::uint32_t et = n->a->enum_type;
      return finish(std::move(n), d, et);
    }
    if (auto op = comparison(fn); op && !c.target && c.args.size() == 2) {
      NodePtr l = compile(c.args[0], ck), r = compile(c.args[1], ck);
      if (!l || !r) return nullptr;
      if (l->dom == Dom::enumeration && r->dom == Dom::text) r = as_enum(std::move(r), l->enum_type);
      else if (r->dom == Dom::enumeration && l->dom == Dom::text) l = as_enum(std::move(l), r->enum_type);
      if (!l || !r || !comparable(*l, *r)) return nullptr;
      const Dom d = l->dom;
      // Ordering of booleans and enums is not what rules mean; equality only.
      if ((d == Dom::boolean || d == Dom::enumeration) && *op != Cmp::eq && *op != Cmp::ne) return nullptr;
      if (*op == Cmp::eq || *op == Cmp::ne) to_codes(l, r);
      auto n = std::make_unique<CompareNode>();
      n->op = *op;
      n->operands = l->dom;  // after to_codes
      n->l = std::move(l);
      n->r = std::move(r);
      return finish(std::move(n), Dom::boolean);
    }
    if (!c.target && fn == "@in" && c.args.size() == 2) return in(c, ck);
    if (!c.target && c.args.size() <= 2) {
      static const std::pair<std::string_view, Arith> ops[] = {{"_+_", Arith::add}, {"_-_", Arith::sub},
                                                               {"_*_", Arith::mul}, {"_/_", Arith::div},
                                                               {"_%_", Arith::mod}, {"-_", Arith::neg}};
      for (const auto& [name, op] : ops) {
        if (fn != name || c.args.size() != (op == Arith::neg ? 1u : 2u)) continue;
        if (!ov) return nullptr;
        const bool ints = ov->columnar == cel::Columnar::integers;
        const bool reals = ov->columnar == cel::Columnar::reals;
        if (!ints && !reals) return nullptr;
        if (reals && op == Arith::mod) return nullptr;
        auto n = std::make_unique<ArithNode>();
        n->op = op;
        n->l = compile(c.args[0], ck);
        if (op != Arith::neg) n->r = compile(c.args[1], ck);
        const Dom d = ints ? Dom::integer : Dom::real;
        if (!n->l || n->l->dom != d || (op != Arith::neg && (!n->r || n->r->dom != d))) return nullptr;
        return finish(std::move(n), d);
      }
    }
    if (!c.target && fn == "days_between" && c.args.size() == 2) {
      // days_between(a, b) = b - a in days (dates are day numbers: no overflow).
      auto n = std::make_unique<ArithNode>();
      n->op = Arith::sub;
      n->l = compile(c.args[1], ck);
      n->r = compile(c.args[0], ck);
      if (!n->l || !n->r || n->l->dom != Dom::date || n->r->dom != Dom::date) return nullptr;
      return finish(std::move(n), Dom::integer);
    }
    if (fn == "size" && ((c.target && c.args.empty()) || (!c.target && c.args.size() == 1))) {
      auto n = children(c.target ? *c.target : c.args[0], ck);
      if (!n) return nullptr;
      n->kind = ChildrenNode::size;
      return finish(std::move(n), Dom::integer);
    }
    return nullptr;
  }

  NodePtr in(const ast::Call& c, const model::CheckedExpr& ck) {
    auto list = fold_value(c.args[1], ck);
    if (!list || (!list->is(cel::ValueKind::list) && !list->is(cel::ValueKind::map))) return nullptr;
    // `in` a map tests its keys.
    std::vector<cel::Value> items;
    if (list->is(cel::ValueKind::map))
      for (const auto& [k, v] : list->map_entries()) items.push_back(k);
    else
      for (std::size_t i = 0; i < list->list_size(); ++i) items.push_back(list->list_at(i));
    auto n = std::make_unique<InNode>();
    n->x = compile(c.args[0], ck);
    if (!n->x) return nullptr;
    FieldNode* coded = coded_field(n->x);
    if (coded) {
      coded->dom = Dom::code;
      n->members.assign(coded->column->dictionary.size(), 0);
    }
    const Dom d = n->x->dom;
    if (d == Dom::enumeration) n->members.assign(schema_.enums[n->x->enum_type].values.size(), 0);
    for (const cel::Value& item : items) {
      if (d == Dom::integer && item.is(cel::ValueKind::int_)) n->ints.push_back(item.as_int());
      else if (d == Dom::date && item.is(cel::ValueKind::date)) n->ints.push_back(item.as_date().days);
      else if (d == Dom::text && (item.is(cel::ValueKind::string) || item.is(cel::ValueKind::enum_)))
        n->texts.emplace_back(item.text());
      else if (d == Dom::code && (item.is(cel::ValueKind::string) || item.is(cel::ValueKind::enum_))) {
        if (const std::uint32_t code = code_of(*coded->column, item.text()); code != kNoCode) n->members[code] = 1;
      }
      else if (d == Dom::enumeration && (item.is(cel::ValueKind::string) || item.is(cel::ValueKind::enum_))) {
        // Equality of an enum value with text is by name (the tree evaluator's rule).
        const int vi = schema_.enums[n->x->enum_type].find(item.text());
        if (vi >= 0) n->members[static_cast<std::size_t>(vi)] = 1;
      } else {
        return nullptr;  // mixed kinds (an int among doubles, ...): the tree decides
      }
    }
    return finish(std::move(n), Dom::boolean);
  }

  const cel::Env& env_;
  cel::Activation& constants_;
  const Snapshot& snap_;
  const model::Schema& schema_;
  std::vector<Local> scope_;
  std::vector<std::vector<std::uint32_t>*> collectors_;  // variables read, per enclosing quantifier
  std::vector<std::string> let_names_;
  std::vector<NodePtr> let_values_;
  std::uint32_t vars_ = 0, nodes_ = 0, depth_ = 0, let_refs_ = 0;
  std::uint32_t child_record_ = 0;
};

}  // namespace

struct ColumnarPlan::Impl {
  std::vector<NodePtr> lets;
  NodePtr when, require;
  bool late_possible = false;   // a met requirement may still be late: the tree decides passes
  bool has_deadline = false;    // an unmet requirement may be upcoming: the tree decides
  std::optional<std::pair<std::uint32_t, std::uint32_t>> nested;  // second binding's reverse list
  std::uint32_t vars = 0, nodes = 0;
  // The outcome of a row by (when << 2 | require), both three-valued.
  std::array<RowOutcome, 16> outcome{};
};

ColumnarPlan::ColumnarPlan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ColumnarPlan::~ColumnarPlan() = default;

std::optional<std::pair<std::uint32_t, std::uint32_t>> reverse_binding(const model::Rule& rule,
                                                                      const model::Schema& schema) {
  if (rule.bindings.size() != 2 || rule.bindings[0].source || !rule.bindings[1].source) return std::nullopt;
  const model::CheckedExpr& src = *rule.bindings[1].source;
  const auto* sel = src.expr.as<ast::Select>();
  if (!sel || sel->test_only || !sel->operand) return std::nullopt;
  const auto* id = sel->operand->as<ast::Ident>();
  if (!id || id->name != rule.bindings[0].var) return std::nullopt;
  auto it = src.refs.find(src.expr.id);
  if (it == src.refs.end() || it->second.kind != model::Ref::Kind::reverse ||
      it->second.record != rule.bindings[0].record)
    return std::nullopt;
  const auto& rt = schema.records[rule.bindings[0].record];
  if (it->second.index >= rt.reverse_lists.size() || rt.reverse_lists[it->second.index].child != rule.bindings[1].record)
    return std::nullopt;
  return std::pair{rule.bindings[0].record, it->second.index};
}

namespace {

// Whether `e` concatenates strings, bytes or lists (or its type is unknown there): what can
// exceed an evaluation limit (cel::kMaxStringBytes, kMaxListItems) where a plan would decide
// the row without evaluating it (`x || true`). Such rules are left to the tree, which gives
// them the verdict `error`.
bool builds_values(const ast::Expr& e, const model::CheckedExpr& ck) {
  if (const auto* c = e.as<ast::Call>()) {
    if (c->function == "_+_") {
      auto t = ck.types.find(e.id);
      if (t == ck.types.end() || !(t->second.is(model::Kind::int_) || t->second.is(model::Kind::uint_) ||
                                   t->second.is(model::Kind::double_) || t->second.is(model::Kind::date) ||
                                   t->second.is(model::Kind::duration) || t->second.is(model::Kind::timestamp)))
        return true;
    }
    if (c->target && builds_values(*c->target, ck)) return true;
    for (const auto& a : c->args)
      if (builds_values(a, ck)) return true;
  } else if (const auto* s = e.as<ast::Select>()) {
    return s->operand && builds_values(*s->operand, ck);
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    for (const auto* x : {m->iter_range.get(), m->accu_init.get(), m->loop_condition.get(), m->loop_step.get(),
                          m->result.get()})
      if (x && builds_values(*x, ck)) return true;
  } else if (const auto* l = e.as<ast::CreateList>()) {
    for (const auto& x : l->elements)
      if (builds_values(x, ck)) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<ColumnarPlan> ColumnarPlan::compile(const model::Rule& rule, const cel::Env& env,
                                                    cel::Activation& constants, const Snapshot& snapshot) {
  const auto nested = reverse_binding(rule, snapshot.schema());
  if (rule.bindings.empty() || rule.bindings[0].source || (rule.bindings.size() > 1 && !nested)) return nullptr;
  for (const auto& l : rule.lets)
    if (builds_values(l.value.expr, l.value)) return nullptr;
  for (const auto* c : {rule.when ? &*rule.when : nullptr, &rule.require})
    if (c && builds_values(c->expr, *c)) return nullptr;
  for (const auto& u : rule.unknown_when)
    if (builds_values(u.cond.expr, u.cond)) return nullptr;
  Compiler c(env, constants, snapshot);
  c.bind(rule.bindings[0].var, c.new_var(), rule.bindings[0].record);
  if (nested) c.bind(rule.bindings[1].var, c.new_var(), rule.bindings[1].record);
  for (const auto& l : rule.lets) c.add_let(l.name, l.value);
  auto impl = std::make_unique<Impl>();
  if (rule.when) impl->when = c.boolean(rule.when->expr, *rule.when);
  impl->require = c.boolean(rule.require.expr, rule.require);
  for (auto u = rule.unknown_when.rbegin(); u != rule.unknown_when.rend(); ++u)
    impl->require = c.unless(c.boolean(u->cond.expr, u->cond), std::move(impl->require));
  // Nothing to decide: a `when` the plan cannot compute leaves every row to the tree, and so
  // does a `require` it cannot compute without a `when` that might rule rows out.
  if (rule.when && Compiler::undecided(impl->when)) return nullptr;
  if (Compiler::undecided(impl->require) && !rule.when) return nullptr;
  impl->lets = std::move(c.lets());
  impl->nested = nested;
  impl->late_possible = rule.met_on && rule.deadline;
  impl->has_deadline = rule.deadline.has_value();
  for (std::uint8_t w = 0; w < 4; ++w)
    for (std::uint8_t r = 0; r < 4; ++r) {
      RowOutcome o = RowOutcome::undecided;
      if (w == kF) o = RowOutcome::not_applicable;
      else if (w == kT && r == kT && !impl->late_possible) o = RowOutcome::pass;
      else if (w == kT && r == kF && !impl->has_deadline) o = RowOutcome::violated;
      impl->outcome[static_cast<std::size_t>(w << 2 | r)] = o;
    }
  impl->vars = c.var_count();
  impl->nodes = c.node_count();
  return std::unique_ptr<ColumnarPlan>(new ColumnarPlan(std::move(impl)));
}

std::shared_ptr<Workspace> ColumnarPlan::workspace() const {
  auto ws = std::make_shared<Workspace>();
  ws->scratch.resize(impl_->nodes);
  ws->top.resize(impl_->vars);
  return ws;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> ColumnarPlan::nested() const { return impl_->nested; }

namespace {

// Evaluates `when` and `require` over the frame of ws.top and sorts each row.
void decide_frame(const ColumnarPlan::Impl& p, std::uint32_t n, Workspace& ws, RowOutcome* out) {
  ++ws.block;
  const Frame f{n, ws.top.data()};
  Vec w;
  if (p.when) w = p.when->eval(f, ws);
  // `require` only matters where `when` holds; a block the condition excludes entirely is done.
  if (p.when && std::all_of(w.tri, w.tri + (w.scalar ? 1 : n), [](std::uint8_t t) { return t == kF; })) {
    std::fill(out, out + n, RowOutcome::not_applicable);
    return;
  }
  const Vec r = p.require->eval(f, ws);
  const RowOutcome* table = p.outcome.data();
  if (!p.when && !r.scalar)
    for (std::uint32_t k = 0; k < n; ++k) out[k] = table[(kT << 2) | r.tri[k]];
  else
    for (std::uint32_t k = 0; k < n; ++k) out[k] = table[((p.when ? tri_at(w, k) : kT) << 2) | tri_at(r, k)];
}

}  // namespace

void ColumnarPlan::decide(std::uint32_t begin, std::uint32_t end, Workspace& ws, RowOutcome* out) const {
  ws.top[0] = VarRows{nullptr, begin};
  decide_frame(*impl_, end - begin, ws, out);
}

void ColumnarPlan::decide(const std::uint32_t* parents, const std::uint32_t* children, std::uint32_t n, Workspace& ws,
                          RowOutcome* out) const {
  ws.top[0] = VarRows{parents, 0};
  ws.top[1] = VarRows{children, 0};
  decide_frame(*impl_, n, ws, out);
}

}  // namespace eco::engine::columnar
