package qstcs.kms;

/**
 * The unordered pair of devices a key belongs to, or the group {@value #BROADCAST}. {@code of(a,
 * b)} and {@code of(b, a)} are equal, so both members of a pair find the same key.
 */
record DevicePair(String first, String second) {
    /** The peer id meaning "everyone": one group key shared by all devices that ask for it. */
    static final String BROADCAST = "_broadcast_";


    DevicePair {
        if (first.compareTo(second) > 0) {
            throw new IllegalArgumentException("pair members must be ordered");
        }
    }

    static DevicePair of(String device, String peer) {
        if (peer.equals(BROADCAST)) {
            return new DevicePair(BROADCAST, BROADCAST);
        }
        return device.compareTo(peer) <= 0 ? new DevicePair(device, peer) : new DevicePair(peer, device);
    }

    boolean isBroadcast() {
        return first.equals(BROADCAST);
    }

    /** Any device belongs to the broadcast group; otherwise only the two members. */
    boolean hasMember(String device) {
        return isBroadcast() || first.equals(device) || second.equals(device);
    }

    /** Label for audit and events, e.g. {@code Soldier_Alpha+Soldier_Bravo}. */
    String label() {
        return isBroadcast() ? BROADCAST : first + "+" + second;
    }
}
