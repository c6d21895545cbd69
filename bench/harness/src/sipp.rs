//! sipp scenarios benchmarks share: desk phones that register with digest, one sipp process
//! registering every account of an injection file.

/// Registers the account of the injection file's line (`[field0]` user; `[field2]` a whole
/// `[authentication …]` keyword, since sipp does not expand fields nested inside that keyword),
/// then stays up `seconds` so the binding stays. A second challenge (Patchbay gives one nonce to
/// every phone it challenges in the same millisecond and refuses all but the first to use it) is
/// answered again, in a new transaction: the branch carries the CSeq, as sipp's `[branch]` is the
/// same on every pass through one message of the scenario.
pub fn register(seconds: u64) -> String {
    let ms = seconds * 1000;
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="desk phones register">
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-[pid]-[call_number]-r[cseq]
From: <sip:[field0]@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: [cseq] REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="401" auth="true"/>
  <label id="1"/>
  <send retrans="500"><![CDATA[
REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-[pid]-[call_number]-r[cseq]
From: <sip:[field0]@[remote_ip]>;tag=[pid]reg[call_number]
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
CSeq: [cseq] REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
[field2]
Expires: 3600
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="401" auth="true" optional="true" next="1"/>
  <recv response="200"/>
  <pause milliseconds="{ms}"/>
</scenario>
"#
    )
}

/// The injection file of [`register`]: `count` accounts `agentI` with password `password(I)`.
pub fn accounts(count: u32, password: impl Fn(u32) -> String) -> String {
    let mut csv = String::from("SEQUENTIAL\n");
    for i in 1..=count {
        let pw = password(i);
        csv.push_str(&format!(
            "agent{i};{pw};[authentication username=agent{i} password={pw}];\n"
        ));
    }
    csv
}
