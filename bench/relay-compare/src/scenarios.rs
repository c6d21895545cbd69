//! sipp scenarios of the benchmark: the caller, who streams a tone through the system under test
//! for the hold time, and the far end, which answers with an SDP naming the benchmark's echo
//! socket (so the far end's media is counted and sent back by the benchmark itself).
//!
//! In-dialog requests follow RFC 3261's route set (`[next_url]`, `[routes]`, `[last_Record-Route:]`)
//! so the same scenarios work through a B2BUA (no Record-Route) and a record-routing proxy.

/// Calls `[service]`, streams `tone.wav` in a loop from the answer on (if `media`), hangs up
/// after `hold_ms`. The time from the INVITE to the 200 is sipp's response time 1 (`-trace_rtt`).
pub(crate) fn caller(hold_ms: u64, media: bool) -> String {
    let stream = if media {
        r#"<nop><action><exec rtp_stream="tone.wav,-1,0"/></action></nop>"#
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="caller talks through the relay">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:caller@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true" rtd="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
[routes]
Max-Forwards: 70
Content-Length: 0

]]></send>
  {stream}
  <pause milliseconds="{hold_ms}"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
[routes]
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"#
    )
}

/// Answers every INVITE at once with PCMU on `echo_port` (the benchmark's echo socket) and
/// waits for the BYE.
pub(crate) fn far_end(echo_port: u16) -> String {
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="far end answers, the benchmark echoes">
  <recv request="INVITE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_Record-Route:]
[last_From:]
[last_To:];tag=[pid]far[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:far@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=far 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio {echo_port} RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
"#
    )
}
