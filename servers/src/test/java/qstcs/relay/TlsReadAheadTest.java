package qstcs.relay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The read-ahead under the relay's TLS: the same bytes, fewer socket reads. */
class TlsReadAheadTest {

    /** A socket stand-in that hands out at most {@code chunk} bytes per read and counts reads. */
    private static final class ChunkedInput extends InputStream {
        private final ByteArrayInputStream data;
        private final int chunk;
        int reads;

        ChunkedInput(byte[] data, int chunk) {
            this.data = new ByteArrayInputStream(data);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            reads++;
            return data.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            return data.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            return data.available();
        }
    }

    @Test
    void aSmallRecordIsOneSocketReadForItsHeaderAndBody() throws IOException {
        byte[] record = new byte[5 + 300];
        new Random(1).nextBytes(record);
        ChunkedInput socket = new ChunkedInput(record, Integer.MAX_VALUE);
        InputStream in = new TlsReadAhead.ReadAhead(socket);

        byte[] header = in.readNBytes(5);
        byte[] body = in.readNBytes(300);

        assertEquals(1, socket.reads, "the TLS layer's header and body reads are served by one socket read");
        assertArrayEquals(record, concat(header, body));
    }

    @Test
    void largeReadsGoStraightToTheSocket() throws IOException {
        byte[] data = new byte[3 * TlsReadAhead.BUFFER_BYTES];
        new Random(2).nextBytes(data);
        ChunkedInput socket = new ChunkedInput(data, Integer.MAX_VALUE);
        InputStream in = new TlsReadAhead.ReadAhead(socket);

        byte[] all = new byte[data.length];
        assertEquals(data.length, in.read(all, 0, all.length));
        assertEquals(1, socket.reads);
        assertArrayEquals(data, all);
    }

    /** Any mix of read sizes over any chunking of the socket yields exactly the socket's bytes. */
    @Test
    void bytesArriveUnchangedWhateverTheReadAndChunkSizes() throws IOException {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(10_000)];
            random.nextBytes(data);
            InputStream in = new TlsReadAhead.ReadAhead(new ChunkedInput(data, 1 + random.nextInt(3000)));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (true) {
                int want = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(2 * TlsReadAhead.BUFFER_BYTES);
                if (random.nextInt(10) == 0 && in.available() > 0) {
                    int b = in.read();
                    got.write(b);
                    continue;
                }
                byte[] buf = new byte[want];
                int n = in.read(buf, 0, want);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
            assertArrayEquals(data, got.toByteArray(), "round " + round);
        }
    }

    @Test
    void skipAndAvailableCountBufferedBytesFirst() throws IOException {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        InputStream in = new TlsReadAhead.ReadAhead(new ChunkedInput(data, 40));
        assertEquals(0, in.read());
        assertEquals(39, in.available(), "what the first socket read brought, less the byte read");
        assertEquals(39, in.skip(1000));
        assertEquals(40, in.read());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
