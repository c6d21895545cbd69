//! Hold and resume on a bridged inbound call: a re-INVITE with a=sendonly from the customer's
//! carrier or from the agent's desk phone gets 200 with a=recvonly and the call goes on; a
//! sendrecv re-INVITE resumes and moves the media; a BYE from either side still ends it.

mod common;

use callflow::{LegId, MediaOut, Output};
use common::*;
use model::calls::HangupSide;
use sip::sdp::{self, Direction};

/// Sends a re-INVITE with our SDP at `port` in `direction` on `leg`; returns the answer's
/// status and direction, and the outputs.
fn re_invite(
    h: &mut Harness,
    far: &mut FarEnd,
    leg: LegId,
    port: u16,
    direction: Direction,
) -> (Option<u16>, Direction, Vec<Output>) {
    let (txn, out) = h.request(leg, far.request("INVITE", peer_sdp(port, direction)));
    let ok = response_to(&out, txn).expect("the re-INVITE is answered");
    let answer = sdp::parse_audio(&ok.body).expect("SDP in the answer");
    (ok.status(), answer.direction, out)
}

#[test]
fn hold_and_resume_from_either_side_keep_the_call_up_and_a_bye_still_ends_it() {
    for (holder, side) in [
        (CUSTOMER_LEG, HangupSide::Customer),
        (FIRST_RING, HangupSide::Agent),
    ] {
        let (mut h, mut customer, mut phone) = bridged();
        let far = if holder == CUSTOMER_LEG {
            &mut customer
        } else {
            &mut phone
        };
        let (status, direction, out) = re_invite(&mut h, far, holder, 45_000, Direction::SendOnly);
        assert_eq!((status, direction), (Some(200), Direction::RecvOnly));
        assert!(
            !out.iter().any(|o| matches!(
                o,
                Output::SendRequest { .. }
                    | Output::Record(model::calls::CallEvent::Ended { .. })
                    | Output::Finished
            )),
            "holding ends nothing: {out:?}"
        );
        assert_eq!(h.call.agent(), Some(AGENT));
        let (status, direction, out) = re_invite(&mut h, far, holder, 45_002, Direction::SendRecv);
        assert_eq!((status, direction), (Some(200), Direction::SendRecv));
        assert!(out.iter().any(|o| matches!(o,
            Output::Media(MediaOut::SetRemote { leg, remote })
                if *leg == holder && remote.port() == 45_002)));
        // The holder's ACK for its re-INVITE, then its BYE.
        let ack = far.request("ACK", Vec::new());
        h.request(holder, ack);
        h.request(holder, far.request("BYE", Vec::new()));
        assert!(h.records().iter().any(|e| matches!(e,
            model::calls::CallEvent::Ended { hangup_side, .. } if *hangup_side == side)));
        assert_eq!(ends(&h), (1, 1), "{holder:?}");
    }
}

#[test]
fn the_customer_holding_while_queued_keeps_waiting() {
    let (mut h, mut customer) = queued();
    let (status, direction, _) = re_invite(
        &mut h,
        &mut customer,
        CUSTOMER_LEG,
        40_000,
        Direction::Inactive,
    );
    assert_eq!((status, direction), (Some(200), Direction::Inactive));
    assert_eq!(ends(&h), (0, 0));
}
