//! The sampling rates a leg tells the browser in Opus's format parameters (RFC 7587 §6.1): a
//! leg decodes and encodes at 8 kHz, so its answer says `maxplaybackrate=8000` (it renders no
//! more) and `sprop-maxcapturerate=8000` (it sends no more). A browser then encodes narrowband
//! instead of 48 kHz full band that the leg would throw away: less to decode for the leg, less
//! bandwidth for the browser. The client honours the hint as browsers do.

/// The payload type of Opus in `sdp`'s audio section, from its `a=rtpmap`.
fn opus_pt(sdp: &str) -> Option<&str> {
    sdp.lines().find_map(|l| {
        let (pt, codec) = l.strip_prefix("a=rtpmap:")?.split_once(' ')?;
        codec
            .to_ascii_lowercase()
            .starts_with("opus/")
            .then_some(pt.trim())
    })
}

/// `sdp` with `maxplaybackrate` and `sprop-maxcapturerate` set to `rate` on Opus's `a=fmtp`
/// line (made if missing). An SDP without Opus is returned as it is.
pub(crate) fn with_rates(sdp: &str, rate: u32) -> String {
    let Some(pt) = opus_pt(sdp) else {
        return sdp.to_owned();
    };
    let eol = if sdp.contains("\r\n") { "\r\n" } else { "\n" };
    let params = format!("maxplaybackrate={rate};sprop-maxcapturerate={rate}");
    let fmtp = format!("a=fmtp:{pt} ");
    let rtpmap = format!("a=rtpmap:{pt} ");
    let has_fmtp = sdp.lines().any(|l| l.starts_with(&fmtp));
    let mut out = String::with_capacity(sdp.len() + params.len() + 16);
    for line in sdp.lines() {
        if let Some(existing) = line.strip_prefix(&fmtp) {
            let kept: Vec<&str> = existing
                .split(';')
                .map(str::trim)
                .filter(|p| {
                    let key = p.split('=').next().unwrap_or_default();
                    !p.is_empty()
                        && !key.eq_ignore_ascii_case("maxplaybackrate")
                        && !key.eq_ignore_ascii_case("sprop-maxcapturerate")
                })
                .collect();
            out.push_str(&fmtp);
            for p in kept {
                out.push_str(p);
                out.push(';');
            }
            out.push_str(&params);
        } else {
            out.push_str(line);
        }
        out.push_str(eol);
        if !has_fmtp && line.starts_with(&rtpmap) {
            out.push_str(&fmtp);
            out.push_str(&params);
            out.push_str(eol);
        }
    }
    out
}

/// The `maxplaybackrate` `sdp` gives Opus, if any.
pub(crate) fn max_playback_rate(sdp: &str) -> Option<u32> {
    let fmtp = format!("a=fmtp:{} ", opus_pt(sdp)?);
    let line = sdp.lines().find(|l| l.starts_with(&fmtp))?;
    line[fmtp.len()..].split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("maxplaybackrate")
            .then(|| v.trim().parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0 126\r\n\
        a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n\
        a=rtpmap:0 PCMU/8000\r\na=rtpmap:126 telephone-event/8000\r\na=fmtp:126 0-15\r\n";

    #[test]
    fn the_opus_line_gets_both_rates_and_keeps_its_other_parameters() {
        let sdp = with_rates(ANSWER, 8_000);
        assert!(
            sdp.contains(
                "a=fmtp:111 minptime=10;useinbandfec=1;maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"
            ),
            "{sdp}"
        );
        assert!(sdp.contains("a=fmtp:126 0-15\r\n"), "{sdp}");
        assert_eq!(
            sdp.len(),
            ANSWER.len() + ";maxplaybackrate=8000;sprop-maxcapturerate=8000".len()
        );
        assert_eq!(max_playback_rate(&sdp), Some(8_000));
    }

    #[test]
    fn rates_already_there_are_replaced_not_repeated() {
        let offer = ANSWER.replace("useinbandfec=1", "useinbandfec=1; maxplaybackrate=48000");
        let sdp = with_rates(&offer, 8_000);
        assert_eq!(sdp.matches("maxplaybackrate").count(), 1, "{sdp}");
        assert_eq!(max_playback_rate(&sdp), Some(8_000));
    }

    #[test]
    fn an_opus_without_fmtp_gets_one_after_its_rtpmap() {
        let bare = "m=audio 9 RTP/AVP 96\na=rtpmap:96 OPUS/48000/2\na=sendrecv\n";
        let sdp = with_rates(bare, 8_000);
        assert_eq!(
            sdp,
            "m=audio 9 RTP/AVP 96\na=rtpmap:96 OPUS/48000/2\n\
             a=fmtp:96 maxplaybackrate=8000;sprop-maxcapturerate=8000\na=sendrecv\n"
        );
    }

    #[test]
    fn an_sdp_without_opus_is_unchanged() {
        let pcmu = "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        assert_eq!(with_rates(pcmu, 8_000), pcmu);
        assert_eq!(max_playback_rate(pcmu), None);
        assert_eq!(max_playback_rate(ANSWER), None, "no rate given");
    }
}
