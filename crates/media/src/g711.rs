//! G.711 µ-law and A-law (ITU-T G.711), sample by sample.

const BIAS: i32 = 0x84;
const CLIP: i32 = 32_635;

/// Encodes one 16-bit linear sample to µ-law.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let mut s = i32::from(sample);
    let sign = if s < 0 { 0x80 } else { 0 };
    if s < 0 {
        s = -s;
    }
    s = s.min(CLIP) + BIAS;
    let exponent = (7 - ((s as u32).leading_zeros() as i32 - 17)).clamp(0, 7);
    let mantissa = (s >> (exponent + 3)) & 0x0f;
    !(sign | (exponent << 4) as u8 | mantissa as u8)
}

/// Decodes one µ-law byte to a 16-bit linear sample.
pub fn ulaw_to_linear(byte: u8) -> i16 {
    let u = !byte;
    let sign = u & 0x80;
    let exponent = i32::from((u >> 4) & 0x07);
    let mantissa = i32::from(u & 0x0f);
    let magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    (if sign != 0 { -magnitude } else { magnitude }) as i16
}

/// Encodes one 16-bit linear sample to A-law.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let (mask, mut s) = if sample >= 0 {
        (0xd5u8, i32::from(sample))
    } else {
        (0x55u8, -i32::from(sample) - 1)
    };
    s = s.min(0x7fff);
    let byte = if s < 256 {
        (s >> 4) as u8
    } else {
        let exponent = 8 - ((s as u32).leading_zeros() as i32 - 16);
        let exponent = exponent.clamp(1, 7);
        ((exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) as u8
    };
    byte ^ mask
}

/// Decodes one A-law byte to a 16-bit linear sample.
pub fn alaw_to_linear(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = i32::from((a >> 4) & 0x07);
    let mantissa = i32::from(a & 0x0f);
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    (if a & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

/// Decodes a µ-law payload.
pub fn decode_ulaw(payload: &[u8]) -> Vec<i16> {
    payload.iter().map(|b| ulaw_to_linear(*b)).collect()
}

/// Decodes an A-law payload.
pub fn decode_alaw(payload: &[u8]) -> Vec<i16> {
    payload.iter().map(|b| alaw_to_linear(*b)).collect()
}

/// Encodes samples to µ-law.
pub fn encode_ulaw(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|s| linear_to_ulaw(*s)).collect()
}

/// Encodes samples to A-law.
pub fn encode_alaw(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|s| linear_to_alaw(*s)).collect()
}
