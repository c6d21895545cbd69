//! sipp scenarios of the benchmark: a desk phone that registers with digest and answers every
//! call it gets (the answering part is sipp's out-of-call scenario, so one process serves many
//! calls), and a customer who calls, waits for the agent, talks and hangs up.

/// Registers `user` with `password` (digest), then stays up for `seconds`.
pub(crate) fn register(user: &str, password: &str, seconds: u32) -> String {
    let ms = seconds * 1000;
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="desk phone registers">
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{user}@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:{user}@[remote_ip]>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:{user}@[local_ip]:[local_port]>
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="401" auth="true"/>
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:{user}@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:{user}@[remote_ip]>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:{user}@[local_ip]:[local_port]>
[authentication username={user} password={password}]
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
  <pause milliseconds="{ms}"/>
</scenario>
"#
    )
}

/// Answers an INVITE at once with SDP, waits for ACK and BYE.
pub(crate) const ANSWER: &str = r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="desk phone answers">
  <recv request="INVITE"/>
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
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000
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
"#;

/// Calls [service], stays on the line -d ms (queue, then the agent), hangs up.
pub(crate) const CUSTOMER: &str = r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="customer">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: sip:customer@[local_ip]:[local_port]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=customer 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000
]]></send>
  <recv response="100" optional="true"/>
  <recv response="200"/>
  <send><![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause/>
  <send retrans="500"><![CDATA[
BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:139[call_number]@[local_ip]:[local_port]>;tag=[pid]c[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"#;
