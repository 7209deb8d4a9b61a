package qstcs.relay;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The frames the relay writes itself (everything else it sends is a client frame, unchanged).
 * Compact JSON with {@code type} first, the same shape the clients send.
 */
final class RelayFrames {

    static final String PONG = "{\"type\":\"pong\"}";

    private RelayFrames() {
    }

    /**
     * @param online registered device ids; each matched {@link qstcs.crypto.wire.DeviceId} when it
     *               registered, so none needs JSON escaping (this runs once per register over every
     *               online device)
     */
    static String registered(String deviceId, Iterable<String> online) {
        StringBuilder sb = new StringBuilder(256)
                .append("{\"type\":\"registered\",\"device_id\":").append(quote(deviceId)).append(",\"online\":[");
        boolean first = true;
        for (String id : online) {
            if (!first) {
                sb.append(',');
            }
            sb.append('"').append(id).append('"');
            first = false;
        }
        return sb.append("]}").toString();
    }

    static String presence(String deviceId, boolean online) {
        return "{\"type\":\"presence\",\"device_id\":" + quote(deviceId) + ",\"online\":" + online + "}";
    }

    static String ack(String id, boolean delivered) {
        return "{\"type\":\"ack\",\"id\":" + quote(id) + ",\"status\":\"" + (delivered ? "delivered" : "queued") + "\"}";
    }

    /** Acknowledges a frame sent to everyone: delivered to {@code count} online devices. */
    static String broadcastAck(String id, int count) {
        return "{\"type\":\"ack\",\"id\":" + quote(id) + ",\"status\":\"delivered\",\"delivered_to\":" + count + "}";
    }

    static String error(ErrorCode code, String message, String id) {
        StringBuilder sb = new StringBuilder(96)
                .append("{\"type\":\"error\",\"code\":\"").append(code.wire())
                .append("\",\"message\":").append(quote(message));
        if (id != null) {
            sb.append(",\"id\":").append(quote(id));
        }
        return sb.append('}').toString();
    }

    static String link(String status) {
        return "{\"type\":\"link\",\"status\":" + quote(status) + "}";
    }

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
