package io.vigil.vrrp;

/** Why a received advertisement was discarded; each has its own counter (keepalived's stats names in comments). */
public enum DropReason {
    /** Shorter than an IP header, a VRRP header, or the addresses/auth data its count implies. */
    TRUNCATED,
    /** IP total length or received length disagree with the VRRP message (packet_len_err). */
    LENGTH_MISMATCH,
    /** Not IPv4, or IP protocol is not 112. */
    NOT_VRRP,
    /** Multicast advert received with TTL other than 255 (ip_ttl_err). */
    BAD_TTL,
    /** Version differs from the instance's vrrp_version (vers_err). */
    VERSION_MISMATCH,
    /** Type is not 1 = ADVERTISEMENT (invalid_type_rcvd). */
    INVALID_TYPE,
    /** VRID differs from the instance's virtual_router_id. */
    VRID_MISMATCH,
    /** v2 auth type not 0, 1 or 2 (invalid_authtype). */
    INVALID_AUTH_TYPE,
    /** v2 auth type differs from ours (authtype_mismatch). */
    AUTH_TYPE_MISMATCH,
    /** v2 PASS password differs (auth_failure). */
    AUTH_FAILURE,
    /** v2 advertisement interval differs from ours (keepalived drops these to avoid two masters). */
    ADVERT_INTERVAL_MISMATCH,
    /** Address count or list differs from our virtual_ipaddress (addr_list_err). */
    ADDRESS_LIST_MISMATCH,
    /** Checksum does not verify (chk_err). */
    BAD_CHECKSUM,
    /** Multicast received by a unicast instance or the reverse. */
    UNEXPECTED_DESTINATION,
    /** The advert carries our own source address (looped back or an address conflict). */
    OWN_ADDRESS,
    /** check_unicast_src: the source is not one of the instance's unicast_peer addresses (keepalived logs "not a unicast peer"). */
    NOT_UNICAST_PEER,
    /** The node's per-interface receive queue to the VRRP thread was full (counted per interface, before any instance). */
    RECEIVE_QUEUE_FULL;

    /** The {@code reason} label of {@code vigil_vrrp_dropped_total}: the name in lower case. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
