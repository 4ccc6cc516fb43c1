//! JSON Schema's notions of numbers, equality and length over [`serde_json::Value`].
//!
//! serde_json (without its `arbitrary_precision` feature) holds a number as a `u64`, an `i64`
//! or a finite `f64`. JSON Schema knows only mathematical numbers: `1` and `1.0` are the same
//! integer, and `9007199254740993` is greater than `9007199254740992.0`. The functions here
//! compare across the three representations exactly, never through a lossy `as f64`, and do not
//! allocate (except [`has_unique_items`] on long arrays, which builds one table of hashes).

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use serde_json::{Number, Value};

/// Whether `n` is an integer in JSON Schema's sense: any number with no fractional part.
///
/// `3.0` is an integer, and so is `1e308`.
#[inline]
pub fn is_integer(n: &Number) -> bool {
    // Without `arbitrary_precision` a number that is not an `f64` is a `u64` or an `i64`.
    !n.is_f64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

/// The value of `n` as an `i64` when it is an integer that fits one (`3.0` included), for the
/// fast paths of integer bounds and integer constants; `None` sends callers to the exact
/// comparisons, which handle every number.
#[inline]
pub fn exact_i64(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // -2^63 is exact in f64; 2^63 is the first float past `i64::MAX`.
    (f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f))
        .then_some(f as i64)
}

/// JSON Schema equality, as `const`, `enum` and `uniqueItems` use it.
///
/// Numbers are equal when their mathematical values are (`1`, `1.0` and `1e0` are; so are `0`
/// and `-0.0`), objects when they have the same members whatever their order, arrays when
/// they have equal elements in the same order.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => cmp_number(a, b) == Some(Ordering::Equal),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| equal(a, b)))
        }
        _ => false,
    }
}

/// A number as one of two exact kinds: every `u64` and `i64` fits an `i128`.
#[derive(Clone, Copy, Debug)]
enum Exact {
    Int(i128),
    Float(f64),
}

impl Exact {
    #[inline]
    fn of(n: &Number) -> Self {
        if let Some(u) = n.as_u64() {
            Exact::Int(i128::from(u))
        } else if let Some(i) = n.as_i64() {
            Exact::Int(i128::from(i))
        } else {
            // Always `Some` for a float; NaN only makes comparisons answer `None`.
            Exact::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    #[inline]
    fn cmp(self, other: Exact) -> Option<Ordering> {
        match (self, other) {
            (Exact::Int(a), Exact::Int(b)) => Some(a.cmp(&b)),
            (Exact::Float(a), Exact::Float(b)) => a.partial_cmp(&b),
            (Exact::Int(a), Exact::Float(b)) => cmp_int_float(a, b),
            (Exact::Float(a), Exact::Int(b)) => cmp_int_float(b, a).map(Ordering::reverse),
        }
    }
}

/// 2^127 exactly: floats at or beyond ±2^127 lie outside every `i128`.
const TWO_POW_127: f64 = (1u128 << 127) as f64;

/// Compares an integer with a float exactly, through the float's integer part (exact in `i128`).
#[inline]
fn cmp_int_float(i: i128, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        None
    } else if f >= TWO_POW_127 {
        Some(Ordering::Less)
    } else if f < -TWO_POW_127 {
        Some(Ordering::Greater)
    } else {
        let whole = f.trunc();
        // `whole` is an integer in [-2^127, 2^127), so the cast is exact.
        match i.cmp(&(whole as i128)) {
            // Same integer part: the fraction decides (`whole < f` means `i < f`).
            Ordering::Equal => whole.partial_cmp(&f),
            unequal => Some(unequal),
        }
    }
}

/// Compares two numbers by their mathematical values, exactly.
///
/// `None` only if one of them is NaN, which a [`Number`] never is: serde_json's floats are
/// finite. Like [`PartialOrd::partial_cmp`], so `minimum` is
/// `cmp_number(n, &min).is_some_and(Ordering::is_ge)`.
///
/// ```
/// use std::cmp::Ordering;
/// use serde_json::Number;
/// use wecom_rooms_runtime::__private::json::cmp_number;
///
/// let big = Number::from(9007199254740993_u64); // 2^53 + 1: no f64 has this value
/// let float = Number::from_f64(9007199254740992.0).unwrap();
/// assert_eq!(cmp_number(&big, &float), Some(Ordering::Greater));
/// ```
#[inline]
pub fn cmp_number(n: &Number, bound: &Number) -> Option<Ordering> {
    Exact::of(n).cmp(Exact::of(bound))
}

/// Compares `n` with an unsigned integer bound exactly; like [`cmp_number`], always `Some`.
///
/// Integers that fit an `i64` (`3.0` included), nearly all in practice, compare natively.
#[inline]
pub fn cmp_u64(n: &Number, bound: u64) -> Option<Ordering> {
    match exact_i64(n) {
        // An i64 is below every bound past `i64::MAX`.
        Some(i) => Some(i64::try_from(bound).map_or(Ordering::Less, |b| i.cmp(&b))),
        None => Exact::of(n).cmp(Exact::Int(i128::from(bound))),
    }
}

/// Compares `n` with a signed integer bound exactly; like [`cmp_number`], always `Some`.
///
/// Integers that fit an `i64` (`3.0` included), nearly all in practice, compare natively.
#[inline]
pub fn cmp_i64(n: &Number, bound: i64) -> Option<Ordering> {
    match exact_i64(n) {
        Some(i) => Some(i.cmp(&bound)),
        None => Exact::of(n).cmp(Exact::Int(i128::from(bound))),
    }
}

/// Compares `n` with a float bound exactly; `None` only when `bound` is NaN.
///
/// Infinite bounds compare as beyond every number.
#[inline]
pub fn cmp_f64(n: &Number, bound: f64) -> Option<Ordering> {
    Exact::of(n).cmp(Exact::Float(bound))
}

/// Whether `n` is a multiple of `divisor` (JSON Schema's `multipleOf`), on decimals.
///
/// JSON numbers are decimals, and `0.0075` is a multiple of `0.0001` though no pair of `f64`
/// says so. Each number, the value and the divisor, is therefore taken as the shortest decimal
/// that reads back as the same `f64` (what serde_json prints, and what the JSON text said when
/// it had at most 15 significant digits), and the test is exact on those decimals: with
/// `n = a·10^p` and `divisor = b·10^q`, `n / divisor` is an integer or not. Nothing is divided
/// in floating point, so nothing overflows: `1e308` is a multiple of `0.5` but not of
/// `0.123456789`, as the JSON Schema test suite has it.
///
/// A divisor that is not a positive finite number (which no valid schema has) divides nothing.
///
/// ```
/// use serde_json::json;
/// use wecom_rooms_runtime::__private::json::is_multiple_of;
///
/// let n = |v: serde_json::Value| v.as_number().unwrap().clone();
/// assert!(is_multiple_of(&n(json!(0.0075)), 0.0001));
/// assert!(is_multiple_of(&n(json!(4.5)), 1.5));
/// assert!(!is_multiple_of(&n(json!(35)), 1.5));
/// assert!(!is_multiple_of(&n(json!(1e308)), 0.123456789));
/// ```
pub fn is_multiple_of(n: &Number, divisor: f64) -> bool {
    if !(divisor > 0.0 && divisor.is_finite()) {
        return false;
    }
    match (Decimal::of(n), Decimal::of_f64(divisor)) {
        (Some(n), Some(divisor)) => n.is_multiple_of(divisor),
        _ => false,
    }
}

/// Whether `n` is a multiple of the integer `divisor`; exact, and `false` for a zero divisor.
///
/// Agrees with [`is_multiple_of`] given `divisor as f64` for divisors up to 2^53. Above that
/// the two differ where they should: `is_multiple_of` reads an `f64` such as
/// `9223372036854775808.0` as the decimal it prints as, `9.223372036854776e18`.
#[inline]
pub fn is_multiple_of_u64(n: &Number, divisor: u64) -> bool {
    if divisor == 0 {
        return false;
    }
    if let Some(u) = n.as_u64() {
        u % divisor == 0
    } else if let Some(i) = n.as_i64() {
        i.unsigned_abs() % divisor == 0
    } else {
        Decimal::of(n).is_some_and(|n| n.is_multiple_of(Decimal::of_u64(divisor)))
    }
}

/// The magnitude of a number as `digits · 10^exp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    digits: u64,
    exp: i32,
}

impl Decimal {
    fn of(n: &Number) -> Option<Self> {
        if let Some(u) = n.as_u64() {
            Some(Decimal::of_u64(u))
        } else if let Some(i) = n.as_i64() {
            Some(Decimal::of_u64(i.unsigned_abs()))
        } else {
            Decimal::of_f64(n.as_f64()?)
        }
    }

    #[inline]
    fn of_u64(digits: u64) -> Self {
        Decimal { digits, exp: 0 }
    }

    /// The shortest decimal that reads back as `f` (sign dropped); `None` if not finite.
    fn of_f64(f: f64) -> Option<Self> {
        if !f.is_finite() {
            return None;
        }
        // `{:e}` prints the shortest round-tripping digits: "7.5e-3", "1e308", "0e0".
        let mut buf = StackBuf::default();
        write!(buf, "{:e}", f.abs()).ok()?;
        let text = buf.as_str();
        let (mantissa, exp) = text.split_once('e')?;
        let mut exp: i32 = exp.parse().ok()?;
        let mut digits: u64 = 0;
        let mut fraction = false;
        for b in mantissa.bytes() {
            match b {
                b'.' => fraction = true,
                b'0'..=b'9' => {
                    // At most 17 significant digits: no overflow.
                    digits = digits.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                    exp -= i32::from(fraction);
                }
                _ => return None,
            }
        }
        Some(Decimal { digits, exp })
    }

    /// Whether `self / divisor` is an integer, exactly.
    fn is_multiple_of(self, divisor: Decimal) -> bool {
        let (a, b) = (self.digits, divisor.digits);
        if b == 0 {
            return false;
        }
        if a == 0 {
            return true;
        }
        if self.exp >= divisor.exp {
            // a·10^k / b with k ≥ 0: an integer iff b / gcd(a, b) divides 10^k.
            let k = self.exp.abs_diff(divisor.exp);
            divides_power_of_ten(b / gcd(a, b), k)
        } else {
            // a / (b·10^k) with k > 0: an integer iff b divides a and 10^k divides a / b.
            let k = self.exp.abs_diff(divisor.exp);
            a % b == 0 && divisible_by_power_of_ten(a / b, k)
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Whether `b` (non-zero) divides 10^k, that is b = 2^i·5^j with i, j ≤ k.
fn divides_power_of_ten(b: u64, k: u32) -> bool {
    let twos = b.trailing_zeros();
    let mut rest = b >> twos;
    let mut fives = 0;
    while rest.is_multiple_of(5) {
        rest /= 5;
        fives += 1;
    }
    rest == 1 && twos <= k && fives <= k
}

/// Whether 10^k divides `c` (non-zero).
fn divisible_by_power_of_ten(mut c: u64, k: u32) -> bool {
    // A non-zero u64 has at most 19 factors of ten, so this stops early.
    for _ in 0..k {
        if !c.is_multiple_of(10) {
            return false;
        }
        c /= 10;
    }
    true
}

/// Room for any `f64` printed with `{:e}` ("-2.2250738585072014e-308" is 24 bytes).
#[derive(Default)]
struct StackBuf {
    bytes: [u8; 32],
    len: usize,
}

impl StackBuf {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The length of a string as `minLength` and `maxLength` count it: in Unicode code points.
#[inline]
pub fn char_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Arrays up to this long are checked pair by pair, longer ones through hashes.
const PAIRWISE_MAX: usize = 16;

/// Whether no two items are [`equal`] (JSON Schema's `uniqueItems`).
///
/// Short arrays are compared pair by pair. Longer ones hash each item in a form that equal
/// items share (numbers by value, objects whatever their order), sort the hashes, and compare
/// with [`equal`] only items whose hashes collide; that takes one allocation, of a table of
/// hashes. The hasher has random keys, so crafted input cannot force the quadratic case.
pub fn has_unique_items(items: &[Value]) -> bool {
    if items.len() <= PAIRWISE_MAX {
        return items
            .iter()
            .enumerate()
            .all(|(i, a)| items[i + 1..].iter().all(|b| !equal(a, b)));
    }
    let keys = RandomState::new();
    let mut hashes: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (canonical_hash(item, &keys), i))
        .collect();
    hashes.sort_unstable();
    hashes.chunk_by(|a, b| a.0 == b.0).all(|run| {
        run.iter().enumerate().all(|(i, &(_, a))| {
            run[i + 1..]
                .iter()
                .all(|&(_, b)| !equal(&items[a], &items[b]))
        })
    })
}

/// A hash that [`equal`] values share.
fn canonical_hash(value: &Value, keys: &RandomState) -> u64 {
    let mut state = keys.build_hasher();
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => {
            state.write_u8(1);
            b.hash(&mut state);
        }
        Value::Number(n) => {
            state.write_u8(2);
            // Integral values hash as integers whatever their representation (so 1 and 1.0
            // and -0.0 and 0 agree); other floats by their bits, which equal floats share.
            match Exact::of(n) {
                Exact::Int(i) => i.hash(&mut state),
                Exact::Float(f) if f.fract() == 0.0 && (-TWO_POW_127..TWO_POW_127).contains(&f) => {
                    (f as i128).hash(&mut state)
                }
                Exact::Float(f) => {
                    state.write_u8(0);
                    f.to_bits().hash(&mut state)
                }
            }
        }
        Value::String(s) => {
            state.write_u8(3);
            s.hash(&mut state);
        }
        Value::Array(items) => {
            state.write_u8(4);
            state.write_usize(items.len());
            for item in items {
                state.write_u64(canonical_hash(item, keys));
            }
        }
        Value::Object(members) => {
            state.write_u8(5);
            state.write_usize(members.len());
            // A sum does not depend on the members' order.
            let mut sum = 0u64;
            for (key, member) in members {
                let mut pair = keys.build_hasher();
                key.hash(&mut pair);
                pair.write_u64(canonical_hash(member, keys));
                sum = sum.wrapping_add(pair.finish());
            }
            state.write_u64(sum);
        }
    }
    state.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_i64_agrees_with_exact_comparison() {
        let numbers: Vec<Number> = [
            serde_json::json!(0),
            serde_json::json!(-1),
            serde_json::json!(3.0),
            serde_json::json!(-0.0),
            serde_json::json!(3.5),
            serde_json::json!(u64::MAX),
            serde_json::json!(i64::MIN),
            serde_json::json!(9.223372036854776e18),
            serde_json::json!(-9.223372036854776e18),
            serde_json::json!(1e300),
        ]
        .into_iter()
        .map(|v| v.as_number().expect("a number").clone())
        .collect();
        for n in &numbers {
            match exact_i64(n) {
                Some(i) => assert_eq!(cmp_i64(n, i), Some(Ordering::Equal), "{n}"),
                None => assert!(
                    !is_integer(n)
                        || cmp_i64(n, i64::MAX) == Some(Ordering::Greater)
                        || cmp_i64(n, i64::MIN) == Some(Ordering::Less),
                    "{n} is an i64 but exact_i64 missed it"
                ),
            }
        }
        assert_eq!(exact_i64(&numbers[7]), None, "2^63 does not fit");
        assert_eq!(exact_i64(&numbers[8]), Some(i64::MIN));
        assert_eq!(exact_i64(&numbers[9]), None);
    }
    use serde_json::json;

    fn num(v: Value) -> Number {
        match v {
            Value::Number(n) => n,
            other => panic!("not a number: {other}"),
        }
    }

    fn float(f: f64) -> Number {
        Number::from_f64(f).unwrap()
    }

    #[test]
    fn integers() {
        let check = |n: Number, expected: bool| assert_eq!(is_integer(&n), expected, "{n}");
        check(Number::from(0), true);
        check(Number::from(-7), true);
        check(Number::from(u64::MAX), true);
        check(Number::from(i64::MIN), true);
        check(float(3.0), true);
        check(float(-0.0), true);
        check(float(1e308), true);
        check(float(-1e308), true);
        check(float(3.5), false);
        check(float(1e-300), false);
        check(float(f64::MIN_POSITIVE), false);
        check(num(json!(1.0)), true);
    }

    #[test]
    fn number_comparison_is_exact() {
        use Ordering::*;
        let check = |a: Number, b: Number, expected: Ordering| {
            assert_eq!(cmp_number(&a, &b), Some(expected), "{a} vs {b}");
            assert_eq!(cmp_number(&b, &a), Some(expected.reverse()), "{b} vs {a}");
        };
        check(Number::from(1), float(1.0), Equal);
        check(Number::from(0), float(-0.0), Equal);
        check(float(0.0), float(-0.0), Equal);
        check(
            Number::from(9007199254740993_u64),
            float(9007199254740992.0),
            Greater,
        );
        check(
            Number::from(9007199254740991_u64),
            float(9007199254740992.0),
            Less,
        );
        check(
            Number::from(-9007199254740993_i64),
            float(-9007199254740992.0),
            Less,
        );
        check(Number::from(u64::MAX), float(18446744073709551615.0), Less); // the float is 2^64
        check(
            Number::from(u64::MAX),
            float(18446744073709549568.0),
            Greater,
        );
        check(
            Number::from(u64::MAX - 2047),
            float(18446744073709549568.0),
            Equal,
        );
        check(Number::from(i64::MIN), float(-9223372036854775808.0), Equal);
        check(
            Number::from(i64::MIN),
            float(-9223372036854777856.0),
            Greater,
        );
        check(Number::from(u64::MAX), Number::from(i64::MIN), Greater);
        check(Number::from(u64::MAX), Number::from(u64::MAX), Equal);
        check(Number::from(2), float(2.5), Less);
        check(Number::from(3), float(2.5), Greater);
        check(Number::from(-2), float(-2.5), Greater);
        check(Number::from(-3), float(-2.5), Less);
        check(Number::from(0), float(1e-300), Less);
        check(Number::from(0), float(-1e-300), Greater);
        check(Number::from(u64::MAX), float(1e308), Less);
        check(Number::from(i64::MIN), float(-1e308), Greater);
        check(Number::from(1), float(1.0000000000000002), Less);
        check(float(1.5), float(2.5), Less);
        check(num(json!(10)), num(json!(1e1)), Equal);
    }

    #[test]
    fn typed_comparisons() {
        use Ordering::*;
        let n = Number::from(9007199254740993_u64);
        assert_eq!(cmp_u64(&n, 9007199254740992), Some(Greater));
        assert_eq!(cmp_i64(&n, -1), Some(Greater));
        assert_eq!(cmp_f64(&n, 9007199254740992.0), Some(Greater));
        assert_eq!(cmp_f64(&n, 9007199254740994.0), Some(Less));
        assert_eq!(cmp_f64(&n, f64::INFINITY), Some(Less));
        assert_eq!(cmp_f64(&n, f64::NEG_INFINITY), Some(Greater));
        assert_eq!(cmp_f64(&n, f64::NAN), None);
        assert_eq!(cmp_f64(&float(0.5), 0.5), Some(Equal));
        assert_eq!(cmp_f64(&float(0.5), f64::NAN), None);
        assert_eq!(cmp_i64(&float(-0.0), 0), Some(Equal));
        assert_eq!(cmp_i64(&float(-1.5), -1), Some(Less));
        assert_eq!(cmp_u64(&float(1.5), 1), Some(Greater));
        assert_eq!(cmp_u64(&Number::from(-1), 0), Some(Less));
        assert_eq!(cmp_u64(&Number::from(u64::MAX), u64::MAX), Some(Equal));
        assert_eq!(cmp_i64(&Number::from(u64::MAX), i64::MAX), Some(Greater));
    }

    /// The native paths of `cmp_u64` and `cmp_i64` (numbers that fit an `i64`) agree with the
    /// exact comparison, bounds past `i64::MAX` and at `i64::MIN` included.
    #[test]
    fn typed_comparisons_agree_with_cmp_number() {
        let numbers = [
            Number::from(0),
            Number::from(-1),
            Number::from(i64::MIN),
            Number::from(i64::MAX),
            Number::from(u64::MAX),
            Number::from(1u64 << 63),
            float(3.0),
            float(-0.0),
            float(2.5),
            float(-9.223372036854776e18),
            float(9.223372036854776e18),
            float(1e300),
        ];
        let unsigned = [0, 1, 3, i64::MAX as u64, 1u64 << 63, u64::MAX];
        let signed = [i64::MIN, -1, 0, 3, i64::MAX];
        for n in &numbers {
            for b in unsigned {
                assert_eq!(cmp_u64(n, b), cmp_number(n, &Number::from(b)), "{n} vs {b}");
            }
            for b in signed {
                assert_eq!(cmp_i64(n, b), cmp_number(n, &Number::from(b)), "{n} vs {b}");
            }
        }
    }

    /// `cmp_number` agrees with exact rational comparison on integers and floats near the
    /// edges of `f64` precision, whichever side each is on.
    #[test]
    fn number_comparison_agrees_with_i128_on_integral_floats() {
        let mut ints: Vec<i128> = vec![0, 1, -1, i128::from(i64::MIN), i128::from(u64::MAX)];
        for e in [52, 53, 54, 62, 63, 64] {
            let p = 1i128 << e;
            ints.extend([p - 2, p - 1, p, p + 1, p + 2, -p - 1, -p, -p + 1]);
        }
        ints.retain(|&i| i >= i128::from(i64::MIN) && i <= i128::from(u64::MAX));
        let to_number = |i: i128| {
            u64::try_from(i)
                .map(Number::from)
                .unwrap_or_else(|_| Number::from(i64::try_from(i).unwrap()))
        };
        for &a in &ints {
            for &b in &ints {
                let fb = b as f64; // rounded; exactly integral
                let fb_exact = fb as i128;
                let expected = a.cmp(&fb_exact);
                assert_eq!(
                    cmp_number(&to_number(a), &float(fb)),
                    Some(expected),
                    "{a} vs {fb}"
                );
                assert_eq!(cmp_f64(&to_number(a), fb), Some(expected), "{a} vs {fb}");
                assert_eq!(cmp_number(&to_number(a), &to_number(b)), Some(a.cmp(&b)));
            }
        }
    }

    #[test]
    fn equality() {
        let check = |a: Value, b: Value, expected: bool| {
            assert_eq!(equal(&a, &b), expected, "{a} == {b}");
            assert_eq!(equal(&b, &a), expected, "{b} == {a}");
        };
        check(json!(1), json!(1.0), true);
        check(json!(0), json!(-0.0), true);
        check(json!(-1), json!(-1.0), true);
        check(json!(u64::MAX), json!(u64::MAX as f64), false);
        check(
            json!(9007199254740993_u64),
            json!(9007199254740992.0),
            false,
        );
        check(json!(1), json!(true), false);
        check(json!(0), json!(false), false);
        check(json!(null), json!(false), false);
        check(json!(""), json!(null), false);
        check(json!("a"), json!("a"), true);
        check(json!("a"), json!("A"), false);
        check(json!([1, 2]), json!([1.0, 2.0]), true);
        check(json!([1, 2]), json!([2, 1]), false);
        check(json!([1]), json!([1, 1]), false);
        check(json!([]), json!({}), false);
        check(
            json!({"a": 1, "b": [0]}),
            json!({"b": [-0.0], "a": 1.0}),
            true,
        );
        check(json!({"a": 1}), json!({"a": 1, "b": 2}), false);
        check(json!({"a": null}), json!({"b": null}), false);
        check(
            json!({"a": {"b": [1, {"c": 2}]}}),
            json!({"a": {"b": [1.0, {"c": 2.0}]}}),
            true,
        );
    }

    /// Every `multipleOf` case of the JSON Schema test suite (draft 2020-12 `multipleOf.json`
    /// and `optional/float-overflow.json`), numeric data only.
    #[test]
    fn multiple_of_follows_the_suite() {
        let check = |data: Value, divisor: f64, expected: bool| {
            let n = num(data);
            assert_eq!(
                is_multiple_of(&n, divisor),
                expected,
                "{n} multipleOf {divisor}"
            );
            if divisor.fract() == 0.0 {
                assert_eq!(
                    is_multiple_of_u64(&n, divisor as u64),
                    expected,
                    "{n} by u64"
                );
            }
        };
        // by int
        check(json!(10), 2.0, true);
        check(json!(7), 2.0, false);
        // by number
        check(json!(0), 1.5, true);
        check(json!(4.5), 1.5, true);
        check(json!(35), 1.5, false);
        // by small number
        check(json!(0.0075), 0.0001, true);
        check(json!(0.00751), 0.0001, false);
        // float division = inf
        check(json!(1e308), 0.123456789, false);
        // small multiple of large integer
        check(json!(12391239123_u64), 1e-8, true);
        // optional: all integers are multiples of 0.5, if overflow is handled
        check(json!(1e308), 0.5, true);
    }

    #[test]
    fn multiple_of_more() {
        let check = |n: Number, divisor: f64, expected: bool| {
            assert_eq!(
                is_multiple_of(&n, divisor),
                expected,
                "{n} multipleOf {divisor}"
            );
        };
        check(Number::from(-10), 2.0, true);
        check(Number::from(-9), 2.0, false);
        check(float(-4.5), 1.5, true);
        check(float(0.3), 0.1, true);
        check(float(0.1 + 0.2), 0.1, false); // 0.30000000000000004
        check(float(19.99), 0.01, true);
        check(float(1.1), 0.01, true);
        check(float(2.0), 0.01, true);
        check(float(0.5), 1.0, false);
        check(float(1e-300), 1e-301, true);
        check(float(1e-301), 1e-300, false);
        check(float(5e-324), 5e-324, true);
        check(float(1.7976931348623157e308), 1.0, true);
        check(float(1e20), 3.0, false);
        check(float(3e20), 3.0, true);
        check(float(1e20), 1e19, true);
        check(float(1e19), 1e20, false);
        check(Number::from(u64::MAX), 5.0, true); // 18446744073709551615
        check(Number::from(u64::MAX), 3.0, true);
        check(Number::from(u64::MAX), 2.0, false);
        check(Number::from(u64::MAX), 0.5, true);
        check(Number::from(i64::MIN), 2.0, true);
        check(Number::from(10), 0.25, true);
        check(Number::from(10), 0.3, false);
        check(Number::from(10), 2.5, true);
        check(Number::from(7), 0.0, false);
        check(Number::from(7), -1.0, false);
        check(Number::from(7), f64::NAN, false);
        check(Number::from(7), f64::INFINITY, false);
        check(float(0.0), 1e-300, true);
    }

    #[test]
    fn multiple_of_u64() {
        let check = |n: Number, divisor: u64, expected: bool| {
            assert_eq!(
                is_multiple_of_u64(&n, divisor),
                expected,
                "{n} multipleOf {divisor}"
            );
            if divisor != 0 && divisor <= 1 << 53 {
                assert_eq!(is_multiple_of(&n, divisor as f64), expected, "{n} by f64");
            }
        };
        check(Number::from(u64::MAX), u64::MAX, true);
        check(Number::from(u64::MAX - 1), u64::MAX, false);
        check(Number::from(i64::MIN), 1 << 63, true);
        check(Number::from(1u64 << 53), 1 << 53, true);
        check(Number::from(3u64 << 53), 1 << 53, true);
        check(Number::from((1u64 << 53) + 1), 1 << 53, false);
        check(Number::from(-6), 3, true);
        check(Number::from(6), 0, false);
        check(float(6.0), 3, true);
        check(float(6.5), 3, false);
        check(float(1e300), 1 << 10, true);
        check(float(1e300), 3, false);
        check(float(-0.0), 7, true);
    }

    /// Every integral float is a multiple of 1, however it prints.
    #[test]
    fn integral_floats_are_multiples_of_one() {
        for e in 0..1024 {
            let p = 2f64.powi(e);
            for f in [p, p.next_down(), p.next_up(), -p, 3.0 * p] {
                if f.is_finite() && f.fract() == 0.0 {
                    assert!(is_multiple_of(&float(f), 1.0), "{f:e}");
                    assert!(is_multiple_of_u64(&float(f), 1), "{f:e}");
                }
            }
        }
    }

    #[test]
    fn decimals_of_floats() {
        let check = |f: f64, digits: u64, exp: i32| {
            assert_eq!(Decimal::of_f64(f), Some(Decimal { digits, exp }), "{f:e}");
        };
        check(0.0075, 75, -4);
        check(1e308, 1, 308);
        check(-4.5, 45, -1);
        check(0.0, 0, 0);
        check(5e-324, 5, -324);
        check(1.7976931348623157e308, 17976931348623157, 292);
        check(-2.2250738585072014e-308, 22250738585072014, -324);
        assert_eq!(Decimal::of_f64(f64::NAN), None);
    }

    #[test]
    fn char_counts() {
        let check = |s: &str, expected: usize| assert_eq!(char_count(s), expected, "{s:?}");
        check("", 0);
        check("abc", 3);
        check("é", 1);
        check("日本語", 3);
        check("🐲", 1); // one code point, two UTF-16 units
        check("e\u{301}", 2); // code points, not graphemes
        check(&"ab🐲".repeat(100), 300);
    }

    #[test]
    fn unique_items() {
        let check = |items: Value, expected: bool| {
            let items = items.as_array().unwrap();
            assert_eq!(has_unique_items(items), expected, "{items:?}");
        };
        check(json!([]), true);
        check(json!([1]), true);
        check(json!([1, 2]), true);
        check(json!([1, 1.0]), false);
        check(json!([0, -0.0]), false);
        check(json!([1, true]), true);
        check(json!([0, false, null, "", [], {}]), true);
        check(json!([{"a": 1, "b": 2}, {"b": 2.0, "a": 1}]), false);
        check(json!([[1, 2], [2, 1]]), true);
        check(json!([[1], [1.0]]), false);
        // The same checks past the pairwise threshold.
        let padding: Vec<Value> = (100..120).map(|i| json!(format!("pad{i}"))).collect();
        for (tail, expected) in [
            (json!([1, 1.0]), false),
            (json!([0, -0.0]), false),
            (json!([1, true]), true),
            (json!([{"a": 1, "b": 2}, {"b": 2.0, "a": 1}]), false),
            (json!([[1, 2], [2, 1]]), true),
            (json!([9007199254740993_u64, 9007199254740992.0]), true),
            (json!([1e300, 1e300]), false),
            (json!([0.5, 0.5]), false),
        ] {
            let mut items = padding.clone();
            items.extend(tail.as_array().unwrap().iter().cloned());
            assert!(items.len() > PAIRWISE_MAX);
            assert_eq!(has_unique_items(&items), expected, "{tail}");
        }
    }

    /// A small deterministic generator: the tests need no dependency for randomness.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// Values drawn from few shapes so that many are equal in some other representation.
        fn value(&mut self, depth: u32) -> Value {
            let leaf = depth == 0;
            match self.below(if leaf { 6 } else { 8 }) {
                0 => Value::Null,
                1 => Value::Bool(self.below(2) == 0),
                2 => json!(self.below(3)),
                3 => json!(self.below(3) as f64 * if self.below(2) == 0 { 1.0 } else { -1.0 }),
                4 => json!(0.5 * self.below(3) as f64),
                5 => json!(["a", "b"][self.below(2) as usize]),
                6 => Value::Array((0..self.below(3)).map(|_| self.value(depth - 1)).collect()),
                _ => {
                    let mut members = serde_json::Map::new();
                    for _ in 0..self.below(3) {
                        members.insert(
                            ["x", "y", "z"][self.below(3) as usize].into(),
                            self.value(depth - 1),
                        );
                    }
                    Value::Object(members)
                }
            }
        }
    }

    #[test]
    fn unique_items_agrees_with_pairwise_equal() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut seen = [0usize; 2];
        for round in 0..3000 {
            let len = rng.below(48) as usize;
            let depth = 1 + round % 3;
            // Tagged items are distinct; then maybe one is replaced by a twin of another (equal
            // in another representation) or by a random item that may or may not equal it.
            let mut items: Vec<Value> = (0..len).map(|i| json!([i, rng.value(depth)])).collect();
            if len >= 2 {
                let (j, k) = (
                    rng.below(len as u64) as usize,
                    rng.below(len as u64) as usize,
                );
                match rng.below(3) {
                    0 if j != k => items[k] = twin(&items[j]),
                    1 => items[k] = json!([j, rng.value(depth)]),
                    _ => {}
                }
            }
            let pairwise = items
                .iter()
                .enumerate()
                .all(|(i, a)| items[i + 1..].iter().all(|b| !equal(a, b)));
            assert_eq!(has_unique_items(&items), pairwise, "{items:?}");
            if len > PAIRWISE_MAX {
                seen[usize::from(pairwise)] += 1;
            }
        }
        // Both verdicts are well represented past the threshold.
        assert!(seen[0] > 300 && seen[1] > 300, "{seen:?}");
    }

    /// A value equal to `v` with its numbers in the other representation.
    fn twin(v: &Value) -> Value {
        match v {
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(u), _) => json!(u as f64),
                (None, Some(f)) if f == 0.0 => json!(-f),
                (None, Some(f)) if f.fract() == 0.0 && f > 0.0 => json!(f as u64),
                (None, Some(f)) if f.fract() == 0.0 => json!(f as i64),
                _ => v.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(twin).collect()),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .rev()
                    .map(|(k, v)| (k.clone(), twin(v)))
                    .collect(),
            ),
            _ => v.clone(),
        }
    }

    #[test]
    fn equal_values_hash_alike() {
        let mut rng = Rng(42);
        let keys = RandomState::new();
        let mut equal_pairs = 0;
        for _ in 0..20_000 {
            let (a, b) = (rng.value(2), rng.value(2));
            if equal(&a, &b) {
                equal_pairs += 1;
                assert_eq!(
                    canonical_hash(&a, &keys),
                    canonical_hash(&b, &keys),
                    "{a} {b}"
                );
            }
        }
        assert!(equal_pairs > 1000, "{equal_pairs}");
    }
}
