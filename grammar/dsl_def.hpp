// Definition of the DSL's X3 grammar (declared in dsl_grammar.hpp, instantiated in
// dsl.cpp). Precedence, loosest first: or, and, not, then the primaries. Keywords are
// reserved and never match a prefix of a name (`android` is not `and`). Where a construct
// is committed (after a keyword or an opening bracket) `>` turns a failure into a syntax
// error whose text comes from the name of a `named` rule: "expected <name>".
// Tests: tests/test_dsl.cpp (golden dumps) and tests/data/dsl/errors/ (messages).
#pragma once

#include "grammar/ast.hpp"
#include "grammar/ast_adapted.hpp"
#include "grammar/dsl.hpp"
#include "grammar/dsl_grammar.hpp"
#include "grammar/error_handler.hpp"

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/fusion/include/at_c.hpp>
#include <boost/spirit/home/x3.hpp>
#include <unicode/utf8.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace shiwake::grammar::parser::detail {
// The `OP value` tail of a fact test, before it is folded into the FactTest.
struct Comparison {
  ast::CmpOp op = ast::CmpOp::eq;
  ast::Value value;
};
}  // namespace shiwake::grammar::parser::detail

BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::parser::detail::Comparison, op, value)

namespace shiwake::grammar::parser {

namespace ascii = x3::ascii;
using boost::fusion::at_c;
using x3::_attr;
using x3::_val;
using x3::lexeme;
using x3::lit;

////////////////////////////////////////////////////////////////////////////////
// Helpers

// A rule that exists only to be named: `a > named("')' to close '('", lit(')'))` fails
// with "expected ')' to close '('".
struct named_class {};
template <typename Attribute = x3::unused_type, typename Parser>
auto named(char const* what, Parser const& p) {
  return x3::rule<named_class, Attribute>{what} = p;
}

inline auto const assign = [](auto& ctx) { _val(ctx) = std::move(_attr(ctx)); };

// Bounds recursion: every level of nesting (parentheses, not, any(...), sentence(...))
// passes through the `unary` rule, which is wrapped in this.
template <typename Subject>
struct nesting_guard : x3::unary_parser<Subject, nesting_guard<Subject>> {
  using base_type = x3::unary_parser<Subject, nesting_guard<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr nesting_guard(Subject const& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
             Attribute& attribute) const {
    auto& handler = x3::get<error_handler_tag>(context).get();
    if (handler.depth > kMaxNesting) {
      x3::skip_over(first, last, context);
      throw SyntaxFailure{first, first,
                          "nesting deeper than " + std::to_string(kMaxNesting) + " levels"};
    }
    ++handler.depth;
    bool const ok = this->subject.parse(first, last, context, rcontext, attribute);
    --handler.depth;
    return ok;
  }
};
struct nesting_guard_gen {
  template <typename Subject>
  constexpr nesting_guard<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return {x3::as_parser(subject)};
  }
};
inline constexpr nesting_guard_gen nesting{};

////////////////////////////////////////////////////////////////////////////////
// Tokens

auto const ident_char = ascii::alnum | lit('_') | lit('-');

inline auto kw(char const* word) { return lexeme[lit(word) >> !ident_char]; }

// Every word the grammar gives a meaning to; none of them is a fact name.
inline x3::symbols<> const keywords(
    {"and", "or", "not", "true", "false", "any", "all", "of", "count", "near", "before",
     "within", "sentence", "paragraph", "has", "category", "tag", "title", "body"},
    "keyword");
auto const reserved = lexeme[keywords >> !ident_char];

// List and fact names: [A-Za-z_][A-Za-z0-9_-]*
auto const name = x3::rule<struct name_class, std::string>{"name"} =
    lexeme[ascii::char_("A-Za-z_") >> *ascii::char_("A-Za-z0-9_-")];
// Rule ids: [A-Za-z0-9_.-]+
auto const rule_id = x3::rule<struct rule_id_class, std::string>{"rule id"} =
    lexeme[+ascii::char_("A-Za-z0-9_.-")];

inline x3::symbols<ast::CmpOp> const cmp_op({{"<", ast::CmpOp::lt},
                                             {"<=", ast::CmpOp::le},
                                             {">", ast::CmpOp::gt},
                                             {">=", ast::CmpOp::ge},
                                             {"==", ast::CmpOp::eq},
                                             {"!=", ast::CmpOp::ne}},
                                            "comparison");
inline x3::symbols<ast::Field> const field_name({{"title", ast::Field::title},
                                                 {"body", ast::Field::body}});
inline x3::symbols<ast::QuantifierKind> const quantifier_name({{"any", ast::QuantifierKind::any},
                                                               {"all", ast::QuantifierKind::all}});
inline x3::symbols<bool> const boolean({{"true", true}, {"false", false}});
inline x3::symbols<ast::Unit> const unit_name({{"sentence", ast::Unit::sentence},
                                               {"paragraph", ast::Unit::paragraph}});
inline x3::symbols<std::string> const call_name({{"has", "has"},
                                                 {"category", "category"},
                                                 {"tag", "tag"}});
// Japanese myriads, as notices write amounts: 1万 = 10000.
inline x3::symbols<double> const myriad({{"万", 1e4}, {"億", 1e8}});

// "literal": escapes \" \\ \n \t \u{X..}; no raw line break. An unterminated literal is
// reported at its opening quote, where the reader has to look.
struct quoted_parser : x3::parser<quoted_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    x3::skip_over(first, last, context);
    if (first == last || *first != '"') return false;
    Iterator const open = first;
    std::string text;
    Iterator i = first + 1;
    for (;;) {
      if (i == last || *i == '\n' || *i == '\r')
        throw SyntaxFailure{open, open + 1, "unterminated string: expected a closing '\"'"};
      if (*i == '"') break;
      if (*i == '\0')  // \u{0} is refused too: no notice text holds it, and the printer could not write it
        throw SyntaxFailure{i, i + 1, "a NUL character cannot be part of a term"};
      if (*i != '\\') {
        text += *i++;
        continue;
      }
      Iterator const escape = i++;
      char const c = i == last ? '\0' : *i;
      if (c == '"' || c == '\\') {
        text += c;
        ++i;
      } else if (c == 'n') {
        text += '\n';
        ++i;
      } else if (c == 't') {
        text += '\t';
        ++i;
      } else if (c == 'u') {
        i = code_point_escape(escape, i + 1, last, text);
      } else {
        Iterator end = i;
        if (end != last) ++end;
        throw SyntaxFailure{escape, end,
                            "unknown escape: use \\\", \\\\, \\n, \\t or \\u{XXXX}"};
      }
    }
    if (text.empty()) throw SyntaxFailure{open, i + 1, "empty string: a term must match something"};
    first = i + 1;
    x3::traits::move_to(text, attribute);
    return true;
  }

 private:
  // \u{XXXX}: 1 to 6 hex digits naming a Unicode scalar value; `i` is past the `u`.
  template <typename Iterator>
  static Iterator code_point_escape(Iterator escape, Iterator i, Iterator last, std::string& text) {
    Iterator const digits = i + (i != last && *i == '{' ? 1 : 0);
    Iterator end = digits;
    while (end != last && end - digits < 7 && std::isxdigit(static_cast<unsigned char>(*end))) ++end;
    std::uint32_t value = 0;
    bool ok = i != last && *i == '{' && end != digits && end - digits <= 6 && end != last && *end == '}';
    if (ok) {
      std::from_chars(digits, end, value, 16);
      ok = value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF) && value != 0;
    }
    if (!ok) {
      Iterator stop = end;
      if (stop != last && *stop == '}') ++stop;
      throw SyntaxFailure{escape, stop,
                          "bad \\u escape: write \\u{XXXX} with 1 to 6 hex digits naming a "
                          "Unicode character"};
    }
    char buffer[4];
    std::int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, value);
    text.append(buffer, static_cast<std::size_t>(length));
    return end + 1;
  }
};

// /regex/: the source is kept verbatim except that \/ stands for /; the regex itself is
// checked when the pack is compiled.
struct regex_parser : x3::parser<regex_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&,
             Attribute& attribute) const {
    x3::skip_over(first, last, context);
    if (first == last || *first != '/') return false;
    Iterator const open = first;
    std::string source;
    Iterator i = first + 1;
    for (;;) {
      if (i == last || *i == '\n' || *i == '\r' || (*i == '\\' && (i + 1 == last || i[1] == '\n')))
        throw SyntaxFailure{open, open + 1, "unterminated regex: expected a closing '/'"};
      if (*i == '/') break;
      if (*i == '\\') {
        if (i[1] != '/') source += '\\';
        source += i[1];
        i += 2;
      } else {
        source += *i++;
      }
    }
    if (source.empty()) throw SyntaxFailure{open, i + 1, "empty regex: a term must match something"};
    first = i + 1;
    x3::traits::move_to(source, attribute);
    return true;
  }
};

auto const quoted = quoted_parser{};
auto const regex = regex_parser{};

////////////////////////////////////////////////////////////////////////////////
// Fact values: a date (2024-01-01), a number (1000, 1_000, 6e6, 1.5e3, 3万) or a name.

inline auto const make_date = [](auto& ctx) {
  auto const& range = _attr(ctx);
  char const* p = &*range.begin();
  ast::Date date;
  std::from_chars(p, p + 4, date.year);
  std::from_chars(p + 5, p + 7, date.month);
  std::from_chars(p + 8, p + 10, date.day);
  std::chrono::year_month_day const ymd{std::chrono::year{date.year},
                                        std::chrono::month{static_cast<unsigned>(date.month)},
                                        std::chrono::day{static_cast<unsigned>(date.day)}};
  if (!ymd.ok()) throw SyntaxFailure{p, p + 10, "no such date: write YYYY-MM-DD"};
  _val(ctx) = date;
};

inline auto const make_number = [](auto& ctx) {
  auto const& range = at_c<0>(_attr(ctx));
  std::string digits;
  for (char c : range)
    if (c != '_') digits += c;
  double value = 0;
  auto const [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size())
    throw SyntaxFailure{&*range.begin(), &*range.begin() + range.size(), "number out of range"};
  if (auto const& factor = at_c<1>(_attr(ctx))) value *= *factor;
  _val(ctx) = value;
};

auto const digits = lexeme[+ascii::digit >> *('_' >> +ascii::digit)];

struct date_class;
struct number_class;
struct value_class;
x3::rule<date_class, ast::Date> const date = "date";
x3::rule<number_class, double> const number = "number";
x3::rule<value_class, ast::Value> const value = "value";

using text_range = boost::iterator_range<iterator_type>;
auto const date_text = x3::rule<struct date_text_class, text_range>{"date"} =
    x3::raw[x3::repeat(4)[ascii::digit] >> '-' >> x3::repeat(2)[ascii::digit] >> '-' >>
            x3::repeat(2)[ascii::digit]];
auto const number_text = x3::rule<struct number_text_class, text_range>{"number"} =
    x3::raw[digits >> -('.' >> +ascii::digit) >>
            -(ascii::char_("eE") >> -ascii::char_("+-") >> +ascii::digit)];

auto const date_def = lexeme[date_text >> !ident_char][make_date];
auto const number_def = lexeme[number_text >> -myriad >> !ident_char][make_number];
auto const value_def = date | number | (!reserved >> name);

////////////////////////////////////////////////////////////////////////////////
// Expressions

struct expression_class : error_handler_base, annotate_node {};
struct or_expr_class : annotate_node {};
struct and_expr_class : annotate_node {};
struct or_chain_class;
struct and_chain_class;
struct unary_class : annotate_node {};
struct primary_class;
struct term_class : annotate_node {};
struct term_core_class;
struct group_class;
struct bool_lit_class : annotate_node {};
struct rule_ref_class : annotate_node {};
struct call_class : annotate_node {};
struct quantifier_class : annotate_node {};
struct count_class : annotate_node {};
struct near_class : annotate_node {};
struct before_class : annotate_node {};
struct scope_class : annotate_node {};
struct fact_class : annotate_node {};
// Rules whose definitions build their node in semantic actions. X3 hands such a rule's
// on_success an unused attribute, so each is wrapped in an annotated rule of the same name
// without the _body.
struct or_body_class;
struct and_body_class;
struct unary_body_class;
struct term_body_class;
struct bool_lit_body_class;
struct rule_ref_body_class;
struct quantifier_body_class;
struct fact_body_class;

expression_type const expression = "expression";
x3::rule<or_expr_class, ast::Expr> const or_expr = "an expression";
x3::rule<and_expr_class, ast::Expr> const and_expr = "an expression";
x3::rule<or_chain_class, std::vector<ast::Expr>> const or_chain = "an expression";
x3::rule<and_chain_class, std::vector<ast::Expr>> const and_chain = "an expression";
x3::rule<unary_class, ast::Expr> const unary = "an expression";
x3::rule<primary_class, ast::Expr> const primary = "an expression";
x3::rule<term_class, ast::Term> const term = "a term (\"...\", /.../ or $list)";
x3::rule<term_core_class, ast::Term> const term_core = "a term (\"...\", /.../ or $list)";
x3::rule<group_class, ast::Expr> const group = "'('";
x3::rule<bool_lit_class, ast::BoolLit> const bool_lit = "true or false";
x3::rule<rule_ref_class, ast::RuleRef> const rule_ref = "@rule-id";
x3::rule<call_class, ast::Call> const call = "has(...), category(...) or tag(...)";
x3::rule<quantifier_class, ast::Quantifier> const quantifier =
    "any(...), all(...) or N of (...)";
x3::rule<count_class, ast::Count> const count = "count(...)";
x3::rule<near_class, ast::Near> const near = "near(...)";
x3::rule<before_class, ast::Before> const before = "A before B within N";
x3::rule<scope_class, ast::Scope> const scope = "sentence(...) or paragraph(...)";
x3::rule<fact_class, ast::FactTest> const fact = "a fact";
x3::rule<or_body_class, ast::Expr> const or_body = "an expression";
x3::rule<and_body_class, ast::Expr> const and_body = "an expression";
x3::rule<unary_body_class, ast::Expr> const unary_body = "an expression";
x3::rule<term_body_class, ast::Term> const term_body = "a term (\"...\", /.../ or $list)";
x3::rule<bool_lit_body_class, ast::BoolLit> const bool_lit_body = "true or false";
x3::rule<rule_ref_body_class, ast::RuleRef> const rule_ref_body = "@rule-id";
x3::rule<quantifier_body_class, ast::Quantifier> const quantifier_body =
    "any(...), all(...) or N of (...)";
x3::rule<fact_body_class, ast::FactTest> const fact_body = "a fact";

// What `>` names when the next token is wrong.
auto const a_term = named<ast::Term>("a term (\"...\", /.../ or $list)", term);
auto const close_paren = named("')' to close '('", lit(')'));
auto const comma_or_close = named("',' or ')'", lit(')'));
auto const open_paren = named("'('", lit('('));
auto const comma = named("','", lit(','));
auto const a_distance = named<unsigned>("a distance in characters (a whole number)", x3::uint_);
auto const a_count = named<unsigned>("a whole number", x3::uint_);
auto const a_comparison = named<ast::CmpOp>("a comparison (<, <=, >, >=, == or !=)", cmp_op);
auto const a_value = named<ast::Value>("a value (a number, a date YYYY-MM-DD or a name)", value);
auto const operand = named<ast::Expr>("an expression", or_expr);
auto const operands = x3::rule<struct operands_class, std::vector<ast::Expr>>{"an expression"} =
    operand > *(',' > operand);

template <typename Node>
inline auto const collapse = [](auto& ctx) {
  auto& operands = _attr(ctx);
  if (operands.size() == 1) {
    _val(ctx) = std::move(operands.front());
  } else {
    Node node;
    node.operands = std::move(operands);
    _val(ctx) = std::move(node);
  }
};

inline auto const make_not = [](auto& ctx) {
  ast::Not node;
  node.operand = std::move(_attr(ctx));
  _val(ctx) = std::move(node);
};

inline auto const term_kind = [](ast::TermKind kind) {
  return [kind](auto& ctx) {
    _val(ctx).kind = kind;
    _val(ctx).text = std::move(_attr(ctx));
  };
};

inline auto const with_field = [](auto& ctx) {
  _val(ctx) = std::move(at_c<1>(_attr(ctx)));
  _val(ctx).field = at_c<0>(_attr(ctx));
};

inline auto const make_bool = [](auto& ctx) { _val(ctx).value = _attr(ctx); };
inline auto const make_rule_ref = [](auto& ctx) { _val(ctx).id = std::move(_attr(ctx)); };

inline auto const make_quantifier = [](auto& ctx) {
  _val(ctx).kind = at_c<0>(_attr(ctx));
  _val(ctx).operands = std::move(at_c<1>(_attr(ctx)));
};
inline auto const make_at_least = [](auto& ctx) {
  _val(ctx).kind = ast::QuantifierKind::at_least;
  _val(ctx).n = at_c<0>(_attr(ctx));
  _val(ctx).operands = std::move(at_c<1>(_attr(ctx)));
};

inline auto const make_fact = [](auto& ctx) {
  auto& node = _val(ctx);
  node.fact = std::move(at_c<0>(_attr(ctx)));
  if (auto& comparison = at_c<1>(_attr(ctx))) {
    node.has_comparison = true;
    node.op = comparison->op;
    node.value = std::move(comparison->value);
  }
};

auto const expression_def =
    x3::eps > operand > named("'and', 'or' or end of expression", x3::eoi);

auto const or_chain_def =
    and_expr >> *(kw("or") > named<ast::Expr>("an expression after 'or'", and_expr));
auto const or_expr_def = or_body;
auto const or_body_def = or_chain[collapse<ast::Or>];

auto const and_chain_def =
    unary >> *(kw("and") > named<ast::Expr>("an expression after 'and'", unary));
auto const and_expr_def = and_body;
auto const and_body_def = and_chain[collapse<ast::And>];

auto const unary_def = unary_body;
auto const unary_body_def =
    nesting[(kw("not") > named<ast::Expr>("an expression after 'not'", unary))[make_not] |
            primary[assign]];

auto const primary_def = group | bool_lit | quantifier | count | near | scope | call | rule_ref |
                         before | term | fact;

auto const group_def = lit('(') > operand > close_paren;

auto const term_core_def = quoted[term_kind(ast::TermKind::literal)] |
                           regex[term_kind(ast::TermKind::regex)] |
                           lexeme['$' > named<std::string>("a list name after '$'", name)]
                                 [term_kind(ast::TermKind::list)];
auto const term_def = term_body;
auto const term_body_def =
    (lexeme[field_name >> ':'] >
     named<ast::Term>("a term (\"...\", /.../ or $list) after the field", term_core))[with_field] |
    term_core[assign];

auto const bool_lit_def = bool_lit_body;
auto const bool_lit_body_def = lexeme[boolean >> !ident_char][make_bool];

auto const rule_ref_def = rule_ref_body;
auto const rule_ref_body_def =
    lexeme['@' > named<std::string>("a rule id after '@'", rule_id)][make_rule_ref];

auto const call_def = lexeme[call_name >> !ident_char] > open_paren >
                      named<std::string>("a name", name) > close_paren;

auto const quantifier_def = quantifier_body;
auto const quantifier_body_def =
    (lexeme[quantifier_name >> !ident_char] > open_paren > operands > comma_or_close)
        [make_quantifier] |
    (x3::uint_ > named("'of' after the number", kw("of")) > open_paren > operands >
     comma_or_close)[make_at_least];

auto const count_def = kw("count") > open_paren > a_term > close_paren > a_comparison > a_count;

auto const near_def = kw("near") > open_paren > a_term > comma > a_term >
                      named("',' and a distance", lit(',')) > a_distance > close_paren;

auto const before_def = term >> kw("before") > a_term >
                        named("'within' and a distance", kw("within")) > a_distance;

auto const scope_def = lexeme[unit_name >> !ident_char] > open_paren > operand > close_paren;

auto const comparison = x3::rule<struct comparison_class, detail::Comparison>{"comparison"} =
    cmp_op > a_value;
auto const fact_def = fact_body;
// `leak = possible` is a likely slip; name the fix instead of calling `=` garbage.
auto const fact_body_def = (!reserved >> name >> -comparison)[make_fact] >
                           named("'==' (a single '=' does not compare)", !lit('='));

BOOST_SPIRIT_DEFINE(expression, or_expr, or_body, and_expr, and_body, or_chain, and_chain, unary,
                    unary_body, primary, group, term, term_body, term_core, bool_lit,
                    bool_lit_body, rule_ref, rule_ref_body, call, quantifier, quantifier_body,
                    count, near, before, scope, fact, fact_body, date, number, value);

}  // namespace shiwake::grammar::parser
