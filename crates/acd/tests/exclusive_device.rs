//! One agent, one active device: binding another unbinds the first.

#![allow(clippy::unwrap_used)]

mod common;

use acd::{AgentId, Command, Device, Event, GroupConfig};
use common::{drain, with_idle_agents};

#[test]
fn logging_in_on_the_mobile_unbinds_the_browser() {
    let mut acd = with_idle_agents(GroupConfig::default(), &[1], 0);
    acd.handle(
        10,
        Command::Login {
            agent: AgentId(1),
            device: Device::Mobile,
        },
    )
    .unwrap();
    let events = drain(&mut acd);
    assert_eq!(
        events,
        [Event::DeviceUnbound {
            agent: AgentId(1),
            device: Device::Browser
        }]
    );
    assert_eq!(
        acd.agent_view(10, AgentId(1)).unwrap().device,
        Some(Device::Mobile)
    );
    acd.handle(
        20,
        Command::Login {
            agent: AgentId(1),
            device: Device::Mobile,
        },
    )
    .unwrap();
    assert!(
        drain(&mut acd).is_empty(),
        "the same device again changes nothing"
    );
}
