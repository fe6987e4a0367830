//! A small binary encoding for what crosses a Web Worker boundary (`postMessage` of bytes): the
//! plots' data structs, the lab's commands and reports, the jobs of a sweep. Plain Rust, tested
//! natively; no serde, since the whole app must stay within its download budget.
//!
//! Little-endian fixed-width numbers, lengths as u32 before strings and lists, enums as a u8 tag.
//! Reading checks every length against the bytes left, so a damaged message is an error, never a
//! huge allocation or a panic.

use crate::engine::trace::{Event, Record};
use crate::engine::Status;
use crate::plots::breakdown::{BandSeries, Breakdown, Reference};
use crate::plots::error_curves::{ErrorCurves, Series};
use crate::plots::heatmap::{CellLink, HeatMap, Panel};
use crate::plots::master::{MasterView, WorkerStrip};
use crate::plots::saddle::{Landscape, SaddleView, Trajectory};
use crate::plots::{Dash, Plot};

/// Why a message could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct WireError(pub String);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable message: {}", self.0)
    }
}

/// The bytes of a message being read.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len()).ok_or_else(|| WireError("truncated".into()))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        Ok(self.bytes(N)?.try_into().expect("N bytes"))
    }
    /// A length prefix, checked against what is left (each element takes at least `min` bytes).
    fn len(&mut self, min: usize) -> Result<usize, WireError> {
        let n = u32::from_le_bytes(self.array()?) as usize;
        if n.saturating_mul(min.max(1)) > self.buf.len() - self.pos {
            return Err(WireError(format!("a length of {n} exceeds the message")));
        }
        Ok(n)
    }
}

/// A value that can be written to and read from bytes.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn take(r: &mut Reader) -> Result<Self, WireError>;
}

/// Encodes a value.
pub fn encode<T: Wire>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.put(&mut out);
    out
}

/// Decodes a value; every byte must be used.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T, WireError> {
    let mut r = Reader::new(bytes);
    let v = T::take(&mut r)?;
    if r.pos != bytes.len() {
        return Err(WireError(format!("{} bytes left over", bytes.len() - r.pos)));
    }
    Ok(v)
}

macro_rules! wire_number {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(r: &mut Reader) -> Result<Self, WireError> {
                Ok(<$t>::from_le_bytes(r.array()?))
            }
        }
    )*};
}
wire_number!(u8, u32, u64, f64);

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        match u8::take(r)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(WireError(format!("bool {b}"))),
        }
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        usize::try_from(u64::take(r)?).map_err(|_| WireError("usize overflow".into()))
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        (self.len() as u32).put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let n = r.len(1)?;
        String::from_utf8(r.bytes(n)?.to_vec()).map_err(|_| WireError("not UTF-8".into()))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (self.len() as u32).put(out);
        for x in self {
            x.put(out);
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let n = r.len(1)?;
        (0..n).map(|_| T::take(r)).collect()
    }
}

impl<T: Wire> Wire for Box<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out)
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        T::take(r).map(Box::new)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(x) => {
                out.push(1);
                x.put(out);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        Ok(if bool::take(r)? { Some(T::take(r)?) } else { None })
    }
}

macro_rules! wire_tuple {
    ($(($($n:tt $t:ident),+)),*) => {$(
        impl<$($t: Wire),+> Wire for ($($t,)+) {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$n.put(out);)+
            }
            fn take(r: &mut Reader) -> Result<Self, WireError> {
                Ok(($($t::take(r)?,)+))
            }
        }
    )*};
}
wire_tuple!((0 A, 1 B), (0 A, 1 B, 2 C), (0 A, 1 B, 2 C, 3 D));

impl Wire for [f64; 2] {
    fn put(&self, out: &mut Vec<u8>) {
        self[0].put(out);
        self[1].put(out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        Ok([f64::take(r)?, f64::take(r)?])
    }
}

/// `Wire` for a struct, field by field in the order given (every field must be listed).
#[macro_export]
macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::lab::wire::Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let $t { $($f),* } = self;
                $($crate::lab::wire::Wire::put($f, out);)*
            }
            fn take(r: &mut $crate::lab::wire::Reader) -> Result<Self, $crate::lab::wire::WireError> {
                $(let $f = $crate::lab::wire::Wire::take(r)?;)*
                Ok($t { $($f),* })
            }
        }
    };
}

/// `Wire` for an enum: each variant a tag, then its fields (a unit variant, or named fields).
#[macro_export]
macro_rules! wire_enum {
    ($t:ident { $($tag:literal => $v:ident $({ $($f:ident),* $(,)? })?),* $(,)? }) => {
        impl $crate::lab::wire::Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                match self {
                    $($t::$v $({ $($f),* })? => {
                        out.push($tag);
                        $($($crate::lab::wire::Wire::put($f, out);)*)?
                    })*
                }
            }
            fn take(r: &mut $crate::lab::wire::Reader) -> Result<Self, $crate::lab::wire::WireError> {
                match <u8 as $crate::lab::wire::Wire>::take(r)? {
                    $($tag => {
                        $($(let $f = $crate::lab::wire::Wire::take(r)?;)*)?
                        Ok($t::$v $({ $($f),* })?)
                    })*
                    b => Err($crate::lab::wire::WireError(format!("{} tag {b}", stringify!($t)))),
                }
            }
        }
    };
}

wire_enum!(Dash { 0 => Solid, 1 => Dashed, 2 => Dotted, 3 => Sparse });
wire_enum!(Landscape { 0 => Toy });
wire_struct!(Series { label, id, dash, points, diverged });

// A run's records and status (a run computed by another worker is followed record by record).
wire_enum!(Event { 0 => None, 1 => Perturb, 2 => Escaped, 3 => Stationary, 4 => Diverged });
wire_struct!(Record { t, err, loss, acc, train_acc, train_loss, diversity, grad_norm, agg_err, spread, w, event });

impl Wire for Status {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Status::Running => out.push(0),
            Status::Finished => out.push(1),
            Status::Stationary => out.push(2),
            Status::Diverged(why) => {
                out.push(3);
                why.put(out)
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        Ok(match u8::take(r)? {
            0 => Status::Running,
            1 => Status::Finished,
            2 => Status::Stationary,
            3 => Status::Diverged(String::take(r)?),
            b => return Err(WireError(format!("Status tag {b}"))),
        })
    }
}
wire_struct!(ErrorCurves { title, y_label, log_y, series, floor, t_max });
wire_struct!(BandSeries { label, id, dash, points, mark });
wire_struct!(Reference { label, points, dash, dark });
wire_struct!(Breakdown { title, y_label, series, x_range, progress, refs, x_label, log_x, log_y });
wire_struct!(MasterView {
    title,
    x_label,
    y_label,
    honest,
    byzantine,
    non_finite,
    honest_mean,
    truth,
    outputs,
    round,
    hand,
    readout,
    strongest,
    split
});
wire_struct!(WorkerStrip { label, cells, byzantine });
wire_struct!(Panel { title, values, winners });
wire_struct!(CellLink { text, query });
wire_struct!(HeatMap { title, x_label, y_label, cols, rows, panels, value_label, rules, links, cursor, progress });
wire_struct!(Trajectory { points, algo, escaped });
wire_struct!(SaddleView { title, landscape, y_range, algos, trajectories, center, r, big_r, band, marks, counter });

impl Wire for Plot {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            Plot::Curves(p) => {
                out.push(0);
                p.put(out)
            }
            Plot::Saddle(p) => {
                out.push(1);
                p.put(out)
            }
            Plot::Breakdown(p) => {
                out.push(2);
                p.put(out)
            }
            Plot::Master(p) => {
                out.push(3);
                p.put(out)
            }
            Plot::Message(m) => {
                out.push(4);
                m.put(out)
            }
            Plot::Heatmap(p) => {
                out.push(5);
                p.put(out)
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        Ok(match u8::take(r)? {
            0 => Plot::Curves(Wire::take(r)?),
            1 => Plot::Saddle(Wire::take(r)?),
            2 => Plot::Breakdown(Wire::take(r)?),
            3 => Plot::Master(Wire::take(r)?),
            4 => Plot::Message(Wire::take(r)?),
            5 => Plot::Heatmap(Wire::take(r)?),
            b => return Err(WireError(format!("Plot tag {b}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_strings_and_lists_round_trip() {
        let v: (Vec<(f64, String)>, Option<u64>, bool) =
            (vec![(f64::NEG_INFINITY, "α ≤ ½".into()), (-0.0, String::new())], Some(u64::MAX), true);
        let back: (Vec<(f64, String)>, Option<u64>, bool) = decode(&encode(&v)).unwrap();
        assert_eq!(back.0[0].0, f64::NEG_INFINITY);
        assert!(back.0[1].0 == 0.0 && back.0[1].0.is_sign_negative());
        assert_eq!(back.0[0].1, "α ≤ ½");
        assert_eq!((back.1, back.2), (Some(u64::MAX), true));
        let nan: f64 = decode(&encode(&f64::NAN)).unwrap();
        assert!(nan.is_nan());
    }

    #[test]
    fn damaged_messages_are_errors() {
        let bytes = encode(&vec!["abc".to_string(); 3]);
        for cut in 0..bytes.len() {
            assert!(decode::<Vec<String>>(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // A length far beyond the message is refused before allocating.
        let mut huge = Vec::new();
        u32::MAX.put(&mut huge);
        assert!(decode::<Vec<f64>>(&huge).is_err());
        assert!(decode::<bool>(&[2]).is_err());
        assert!(decode::<Plot>(&[9]).is_err());
        let mut extra = encode(&1.5f64);
        extra.push(0);
        assert!(decode::<f64>(&extra).is_err());
        assert!(decode::<String>(&[2, 0, 0, 0, 0xff, 0xfe]).is_err());
    }
}
