package qstcs.relay;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything addressed to one device id: its current connection (null while offline) and its
 * offline queue. The lock orders delivery: a register drains the queue under it before any frame
 * sent later can reach the new connection. A mailbox removed from the switchboard is
 * {@code retired}; whoever still holds it retries with a fresh one.
 */
final class Mailbox {

    final String deviceId;
    final ReentrantLock lock = new ReentrantLock();
    final OfflineQueue queue = new OfflineQueue();
    /** Written under the lock, read without it for snapshots (online lists, presence). */
    volatile ClientConnection connection;
    boolean retired;

    Mailbox(String deviceId) {
        this.deviceId = deviceId;
    }
}
