// SPDX-License-Identifier: GPL-2.0-or-later
//
// Patchbay's in-kernel RTP forwarder: a TC ingress program. A plain-RTP packet that matches a
// flow (sent to one of our legs' sockets from that leg's latched peer, carrying the expected SSRC
// and payload type) is copied to its media worker's ring buffer (the recorder, the statistics and
// the RTP timeout read it there), re-stamped exactly as the media worker would re-stamp it
// (sequence number and timestamp offsets, our SSRC), readdressed from the other leg's socket to
// the other leg's peer, and sent out without reaching any socket. Anything else goes on to the
// next program and to the sockets as if this program were not there.
//
// Built with `scripts/build-bpf` (clang -target bpf); the object is committed next to this file.

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)BPF_FUNC_map_lookup_elem;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) =
	(void *)BPF_FUNC_skb_load_bytes;
static long (*bpf_skb_store_bytes)(void *skb, __u32 offset, const void *from, __u32 len,
				   __u64 flags) = (void *)BPF_FUNC_skb_store_bytes;
static long (*bpf_l3_csum_replace)(void *skb, __u32 offset, __u64 from, __u64 to, __u64 size) =
	(void *)BPF_FUNC_l3_csum_replace;
static long (*bpf_l4_csum_replace)(void *skb, __u32 offset, __u64 from, __u64 to, __u64 flags) =
	(void *)BPF_FUNC_l4_csum_replace;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)BPF_FUNC_redirect;
static long (*bpf_redirect_neigh)(__u32 ifindex, void *params, int plen, __u64 flags) =
	(void *)BPF_FUNC_redirect_neigh;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)BPF_FUNC_ktime_get_ns;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) =
	(void *)BPF_FUNC_ringbuf_output;

// The next program, then the sockets (TCX_NEXT; "unspecified" for a classic cls_bpf filter).
#define PASS TC_ACT_UNSPEC

#define RTP_HEADER 12
// The largest RTP packet forwarded (a G.711 frame is 172 bytes).
#define MAX_RTP 1024
// The ring buffers, one per media worker.
#define RINGS 8

// A flow: a packet to our leg's socket (local) from its peer (remote). Network byte order.
struct flow_key {
	__u32 local_ip;
	__u32 remote_ip;
	__u16 local_port;
	__u16 remote_port;
};

// What to do with it. Addresses and ports in network byte order, RTP fields in host order.
struct flow {
	__u32 out_local_ip;
	__u32 out_remote_ip;
	__u16 out_local_port;
	__u16 out_remote_port;
	__u32 ssrc_in;
	__u32 ssrc_out;
	__u32 ts_offset;
	__u16 seq_offset;
	__u8 payload_type;
	__u8 ring;
	// The interface towards the new destination (1: loopback, the destination is this host).
	__u32 out_ifindex;
	__u64 leg;
	__u64 packets;
};

// What a worker reads from its ring: the leg, when the packet arrived (CLOCK_MONOTONIC), then
// the packet as it arrived.
struct event {
	__u64 leg;
	__u64 at_ns;
	__u32 len;
	__u32 pad;
	__u8 data[MAX_RTP];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow);
} FLOWS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} SCRATCH SEC(".maps");

#define RING(n)                                              \
	struct {                                             \
		__uint(type, BPF_MAP_TYPE_RINGBUF);          \
		__uint(max_entries, 1 << 20);                \
	} RING##n SEC(".maps");
RING(0)
RING(1)
RING(2)
RING(3)
RING(4)
RING(5)
RING(6)
RING(7)

static __always_inline void *ring(__u8 n)
{
	switch (n) {
	case 0: return &RING0;
	case 1: return &RING1;
	case 2: return &RING2;
	case 3: return &RING3;
	case 4: return &RING4;
	case 5: return &RING5;
	case 6: return &RING6;
	default: return &RING7;
	}
}

#define ETH_OFF sizeof(struct ethhdr)
#define IP_OFF ETH_OFF
#define UDP_OFF (IP_OFF + sizeof(struct iphdr))
#define RTP_OFF (UDP_OFF + sizeof(struct udphdr))
#define IP_CSUM (IP_OFF + __builtin_offsetof(struct iphdr, check))
#define UDP_CSUM (UDP_OFF + __builtin_offsetof(struct udphdr, check))

static __always_inline __u32 bswap32(__u32 x) { return __builtin_bswap32(x); }
static __always_inline __u16 bswap16(__u16 x) { return __builtin_bswap16(x); }

// Replaces a field of the UDP datagram and mends its checksum (a zero checksum stays zero).
static __always_inline int set_l4(struct __sk_buff *skb, __u32 off, __u32 old, __u32 new,
				  __u32 size, __u64 pseudo)
{
	if (bpf_l4_csum_replace(skb, UDP_CSUM, old, new, size | pseudo | BPF_F_MARK_MANGLED_0))
		return -1;
	return bpf_skb_store_bytes(skb, off, &new, size, 0) ? -1 : 0;
}

SEC("classifier")
int forward(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	if (data + RTP_OFF + RTP_HEADER > end)
		return PASS;
	struct ethhdr *eth = data;
	if (eth->h_proto != bswap16(ETH_P_IP))
		return PASS;
	struct iphdr *ip = data + IP_OFF;
	// No options, no fragments, UDP.
	if (ip->version != 4 || ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bswap16(0x3fff)))
		return PASS;
	struct udphdr *udp = data + UDP_OFF;
	struct flow_key key = {
		.local_ip = ip->daddr,
		.remote_ip = ip->saddr,
		.local_port = udp->dest,
		.remote_port = udp->source,
	};
	struct flow *f = bpf_map_lookup_elem(&FLOWS, &key);
	if (!f)
		return PASS;
	__u8 *rtp = data + RTP_OFF;
	__u32 len = bswap16(udp->len);
	// RTP version 2 without padding, extension or contributing sources, of the flow's audio
	// type and source: anything else is the media worker's to judge.
	if (rtp[0] != 0x80 || (rtp[1] & 0x7f) != f->payload_type)
		return PASS;
	__u32 ssrc = bswap32(*(__u32 *)(rtp + 8));
	if (ssrc != f->ssrc_in || !f->out_ifindex || len < sizeof(struct udphdr) + RTP_HEADER ||
	    len > sizeof(struct udphdr) + MAX_RTP || skb->len < RTP_OFF + len - sizeof(struct udphdr))
		return PASS;
	len -= sizeof(struct udphdr);

	// The copy for the media worker; if its ring is full the worker forwards this one itself.
	__u32 zero = 0;
	struct event *ev = bpf_map_lookup_elem(&SCRATCH, &zero);
	if (!ev)
		return PASS;
	ev->leg = f->leg;
	ev->at_ns = bpf_ktime_get_ns();
	ev->len = len;
	ev->pad = 0;
	// (Bounds the verifier can follow: 1 ..= MAX_RTP.)
	__u32 n = len;
	if (n < 1 || n > MAX_RTP)
		return PASS;
	if (bpf_skb_load_bytes(skb, RTP_OFF, ev->data, n))
		return PASS;
	if (bpf_ringbuf_output(ring(f->ring), ev, 24 + n, BPF_RB_NO_WAKEUP))
		return PASS;
	__sync_fetch_and_add(&f->packets, 1);

	// Re-stamped: the RTP header as the worker's stream continues it.
	__u16 seq = bswap16(*(__u16 *)(rtp + 2));
	__u32 ts = bswap32(*(__u32 *)(rtp + 4));
	__u32 old_seq = bswap16(seq), new_seq = bswap16((__u16)(seq + f->seq_offset));
	__u32 old_ts = bswap32(ts), new_ts = bswap32(ts + f->ts_offset);
	__u32 old_ssrc = bswap32(ssrc), new_ssrc = bswap32(f->ssrc_out);
	__u32 old_saddr = ip->saddr, old_daddr = ip->daddr;
	__u32 old_ports = *(__u32 *)udp;
	__u32 new_saddr = f->out_local_ip, new_daddr = f->out_remote_ip;
	__u16 ports[2] = {f->out_local_port, f->out_remote_port};
	__u32 new_ports = *(__u32 *)ports;
	if (set_l4(skb, RTP_OFF + 2, old_seq, new_seq, 2, 0) ||
	    set_l4(skb, RTP_OFF + 4, old_ts, new_ts, 4, 0) ||
	    set_l4(skb, RTP_OFF + 8, old_ssrc, new_ssrc, 4, 0) ||
	    set_l4(skb, UDP_OFF, old_ports, new_ports, 4, 0))
		return TC_ACT_SHOT;
	// The addresses: in the pseudo-header of the UDP checksum and in the IP checksum.
	if (bpf_l4_csum_replace(skb, UDP_CSUM, old_saddr, new_saddr,
				4 | BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0) ||
	    bpf_l4_csum_replace(skb, UDP_CSUM, old_daddr, new_daddr,
				4 | BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0) ||
	    bpf_l3_csum_replace(skb, IP_CSUM, old_saddr, new_saddr, 4) ||
	    bpf_l3_csum_replace(skb, IP_CSUM, old_daddr, new_daddr, 4) ||
	    bpf_skb_store_bytes(skb, IP_OFF + __builtin_offsetof(struct iphdr, saddr), &new_saddr, 4, 0) ||
	    bpf_skb_store_bytes(skb, IP_OFF + __builtin_offsetof(struct iphdr, daddr), &new_daddr, 4, 0))
		return TC_ACT_SHOT;
	// Out through loopback as it is, or through the named interface to the neighbour the kernel's
	// routing names for the new destination (it fills in the link-layer addresses).
	if (f->out_ifindex == 1)
		return bpf_redirect(1, 0);
	return bpf_redirect_neigh(f->out_ifindex, 0, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
