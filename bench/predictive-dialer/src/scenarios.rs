//! sipp scenarios of the benchmark: desk phones (registered by `bench_harness::sipp`) that
//! answer every call, talk for a random handle time and hang up (sipp's out-of-call scenario);
//! a carrier whose answer depends on the dialed number.

/// A desk phone: answers an INVITE at once (it is the predictive call's agent, asked to answer
/// by itself), talks between `min_ms` and `max_ms` (uniform), then hangs up with a BYE in the
/// dialog it answered.
pub(crate) fn phone(min_ms: u64, max_ms: u64) -> String {
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="desk phone answers, talks and hangs up">
  <recv request="INVITE">
    <action>
      <ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="remote"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="me"/>
    </action>
  </recv>
  <Reference variables="contact,remote,me"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]ans[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:agent@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=agent 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv request="ACK"/>
  <pause distribution="uniform" min="{min_ms}" max="{max_ms}"/>
  <send retrans="500"><![CDATA[
BYE [$contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From:[$me];tag=[pid]ans[call_number]
To:[$remote]
[last_Call-ID:]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"#
    )
}

/// A carrier that answers by the dialed number `1398NNxxxxx`: NN 00–59 rings 2–6 s and answers
/// (then waits for the BYE), 60–74 is busy (486), 75–99 rings 8 s and gives up (480).
pub(crate) const CARRIER: &str = r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier answers by number">
  <recv request="INVITE">
    <action>
      <ereg regexp="INVITE sip:1398([0-9][0-9])" search_in="msg" check_it="true" assign_to="all,nn"/>
      <todouble assign_to="n" variable="nn"/>
      <test assign_to="answer" variable="n" compare="less_than" value="60"/>
      <test assign_to="busy" variable="n" compare="less_than" value="75"/>
    </action>
  </recv>
  <Reference variables="all"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
[last_Via:]
[last_From:]
[last_To:];tag=[pid]car[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Length: 0

]]></send>
  <nop next="answer" test="answer"/>
  <nop next="busy" test="busy"/>
  <pause milliseconds="8000"/>
  <send next="refused"><![CDATA[
SIP/2.0 480 Temporarily Unavailable
[last_Via:]
[last_From:]
[last_To:];tag=[pid]car[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>

  <label id="busy"/>
  <send next="refused"><![CDATA[
SIP/2.0 486 Busy Here
[last_Via:]
[last_From:]
[last_To:];tag=[pid]car[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>

  <label id="answer"/>
  <pause distribution="uniform" min="2000" max="6000"/>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]car[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:carrier@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=carrier 1 1 IN IP4 [media_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
]]></send>
  <recv request="ACK"/>
  <recv request="BYE" timeout="600000"/>
  <send next="end"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>

  <label id="refused"/>
  <recv request="ACK"/>
  <label id="end"/>
</scenario>
"#;
