package qstcs.crypto.qkd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link FourStepConvolution} that {@link VectorRadix4} hands on:
 * broadcast-root radix-4 and radix-3 column butterflies, the row twiddles, the input bits'
 * spreading and the row-pair fold. Kept apart so each kernel file stays readable; like
 * {@code VectorRadix4}, loaded only when the incubator module is present.
 */
final class VectorFourStep {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, SPECIES.vectorShape());
    /** Lane i holds i: the shift that brings bit b + i of a word down for lane i. */
    private static final LongVector LANE_SHIFTS = LongVector.zero(LONGS).addIndex(1);
    /** Two-vector shuffles for the fold: lanes 0..L−1 pick from the first vector, L..2L−1 from the second. */
    private static final VectorShuffle<Double> EVEN = shuffle(i -> 2 * i);
    private static final VectorShuffle<Double> ODD = shuffle(i -> 2 * i + 1);
    private static final VectorShuffle<Double> DOWN_ODD = shuffle(i -> 2 * SPECIES.length() - 1 - 2 * i);
    private static final VectorShuffle<Double> DOWN_EVEN = shuffle(i -> 2 * SPECIES.length() - 2 - 2 * i);
    private static final VectorShuffle<Double> REVERSE = shuffle(i -> SPECIES.length() - 1 - i);

    private static VectorShuffle<Double> shuffle(java.util.function.IntUnaryOperator lane) {
        int[] idx = new int[SPECIES.length()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = lane.applyAsInt(i);
        }
        return VectorShuffle.fromArray(SPECIES, idx, 0);
    }

    private VectorFourStep() {
    }

    static void difBroadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                             double w2i0, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        DoubleVector w1r = DoubleVector.broadcast(SPECIES, w1r0);
        DoubleVector w1i = DoubleVector.broadcast(SPECIES, w1i0);
        DoubleVector w2r = DoubleVector.broadcast(SPECIES, w2r0);
        DoubleVector w2i = DoubleVector.broadcast(SPECIES, w2i0);
        DoubleVector w3r = DoubleVector.broadcast(SPECIES, Math.fma(w1r0, w2r0, -(w1i0 * w2i0)));
        DoubleVector w3i = DoubleVector.broadcast(SPECIES, Math.fma(w1r0, w2i0, w1i0 * w2r0));
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector x0r = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector x0i = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector x1r = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector x1i = DoubleVector.fromArray(SPECIES, im, p1 + b);
            DoubleVector x2r = DoubleVector.fromArray(SPECIES, re, p2 + b);
            DoubleVector x2i = DoubleVector.fromArray(SPECIES, im, p2 + b);
            DoubleVector x3r = DoubleVector.fromArray(SPECIES, re, p3 + b);
            DoubleVector x3i = DoubleVector.fromArray(SPECIES, im, p3 + b);
            DoubleVector t0r = x0r.add(x2r);
            DoubleVector t0i = x0i.add(x2i);
            DoubleVector t1r = x0r.sub(x2r);
            DoubleVector t1i = x0i.sub(x2i);
            DoubleVector t2r = x1r.add(x3r);
            DoubleVector t2i = x1i.add(x3i);
            DoubleVector t3r = x1i.sub(x3i);
            DoubleVector t3i = x3r.sub(x1r);
            t0r.add(t2r).intoArray(re, p0 + b);
            t0i.add(t2i).intoArray(im, p0 + b);
            DoubleVector br = t0r.sub(t2r);
            DoubleVector bi = t0i.sub(t2i);
            br.fma(w2r, bi.mul(w2i).neg()).intoArray(re, p1 + b);
            br.fma(w2i, bi.mul(w2r)).intoArray(im, p1 + b);
            DoubleVector cr = t1r.add(t3r);
            DoubleVector ci = t1i.add(t3i);
            cr.fma(w1r, ci.mul(w1i).neg()).intoArray(re, p2 + b);
            cr.fma(w1i, ci.mul(w1r)).intoArray(im, p2 + b);
            DoubleVector dr = t1r.sub(t3r);
            DoubleVector di = t1i.sub(t3i);
            dr.fma(w3r, di.mul(w3i).neg()).intoArray(re, p3 + b);
            dr.fma(w3i, di.mul(w3r)).intoArray(im, p3 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.difBroadcast(re, im, p0 + b, d, w1r0, w1i0, w2r0, w2i0, count - b);
        }
    }

    static void ditBroadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                             double w2i0, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        double c1i = -w1i0;
        double c2i = -w2i0;
        DoubleVector w1r = DoubleVector.broadcast(SPECIES, w1r0);
        DoubleVector w1i = DoubleVector.broadcast(SPECIES, c1i);
        DoubleVector w2r = DoubleVector.broadcast(SPECIES, w2r0);
        DoubleVector w2i = DoubleVector.broadcast(SPECIES, c2i);
        DoubleVector w3r = DoubleVector.broadcast(SPECIES, Math.fma(w1r0, w2r0, -(c1i * c2i)));
        DoubleVector w3i = DoubleVector.broadcast(SPECIES, Math.fma(w1r0, c2i, c1i * w2r0));
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector x0r = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector x0i = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector x1r = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector x1i = DoubleVector.fromArray(SPECIES, im, p1 + b);
            DoubleVector x2r = DoubleVector.fromArray(SPECIES, re, p2 + b);
            DoubleVector x2i = DoubleVector.fromArray(SPECIES, im, p2 + b);
            DoubleVector x3r = DoubleVector.fromArray(SPECIES, re, p3 + b);
            DoubleVector x3i = DoubleVector.fromArray(SPECIES, im, p3 + b);
            DoubleVector pr = x1r.fma(w2r, x1i.mul(w2i).neg());
            DoubleVector pi = x1r.fma(w2i, x1i.mul(w2r));
            DoubleVector u2r = x2r.fma(w1r, x2i.mul(w1i).neg());
            DoubleVector u2i = x2r.fma(w1i, x2i.mul(w1r));
            DoubleVector u3r = x3r.fma(w3r, x3i.mul(w3i).neg());
            DoubleVector u3i = x3r.fma(w3i, x3i.mul(w3r));
            DoubleVector sr = u2r.add(u3r);
            DoubleVector si = u2i.add(u3i);
            DoubleVector dr = u3i.sub(u2i);
            DoubleVector di = u2r.sub(u3r);
            DoubleVector er = x0r.add(pr);
            DoubleVector ei = x0i.add(pi);
            DoubleVector fr = x0r.sub(pr);
            DoubleVector fi = x0i.sub(pi);
            er.add(sr).intoArray(re, p0 + b);
            ei.add(si).intoArray(im, p0 + b);
            er.sub(sr).intoArray(re, p2 + b);
            ei.sub(si).intoArray(im, p2 + b);
            fr.add(dr).intoArray(re, p1 + b);
            fi.add(di).intoArray(im, p1 + b);
            fr.sub(dr).intoArray(re, p3 + b);
            fi.sub(di).intoArray(im, p3 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.ditBroadcast(re, im, p0 + b, d, w1r0, w1i0, w2r0, w2i0, count - b);
        }
    }

    static void twiddle(double[] srcRe, double[] srcIm, int a, double[] dstRe, double[] dstIm, int d,
                        double[] coarseRe, double[] coarseIm, int cf, double[] fineRe, double[] fineIm, int ff,
                        int fine, int count) {
        int bound = SPECIES.loopBound(fine);
        for (int c0 = 0; c0 < count; c0 += fine) {
            double ar0 = coarseRe[cf + c0 / fine];
            double ai0 = coarseIm[cf + c0 / fine];
            DoubleVector ar = DoubleVector.broadcast(SPECIES, ar0);
            DoubleVector ai = DoubleVector.broadcast(SPECIES, ai0);
            int s = a + c0;
            int t = d + c0;
            int b = 0;
            for (; b < bound; b += SPECIES.length()) {
                DoubleVector cr = DoubleVector.fromArray(SPECIES, fineRe, ff + b);
                DoubleVector ci = DoubleVector.fromArray(SPECIES, fineIm, ff + b);
                DoubleVector tr = ar.fma(cr, ai.mul(ci).neg());
                DoubleVector ti = ar.fma(ci, ai.mul(cr));
                DoubleVector xr = DoubleVector.fromArray(SPECIES, srcRe, s + b);
                DoubleVector xi = DoubleVector.fromArray(SPECIES, srcIm, s + b);
                xr.fma(tr, xi.mul(ti).neg()).intoArray(dstRe, t + b);
                xr.fma(ti, xi.mul(tr)).intoArray(dstIm, t + b);
            }
            if (b < fine) {
                ScalarRadix4.twiddleFrom(srcRe, srcIm, s, dstRe, dstIm, t, ar0, ai0, fineRe, fineIm, ff, b, fine);
            }
        }
    }

    static void dif3Broadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                              double w2i0, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        DoubleVector w1r = DoubleVector.broadcast(SPECIES, w1r0);
        DoubleVector w1i = DoubleVector.broadcast(SPECIES, w1i0);
        DoubleVector w2r = DoubleVector.broadcast(SPECIES, w2r0);
        DoubleVector w2i = DoubleVector.broadcast(SPECIES, w2i0);
        DoubleVector h = DoubleVector.broadcast(SPECIES, ScalarRadix4.SIN_60);
        DoubleVector half = DoubleVector.broadcast(SPECIES, -0.5);
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector x0r = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector x0i = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector x1r = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector x1i = DoubleVector.fromArray(SPECIES, im, p1 + b);
            DoubleVector x2r = DoubleVector.fromArray(SPECIES, re, p2 + b);
            DoubleVector x2i = DoubleVector.fromArray(SPECIES, im, p2 + b);
            DoubleVector sr = x1r.add(x2r);
            DoubleVector si = x1i.add(x2i);
            DoubleVector ur = x1i.sub(x2i).mul(h);
            DoubleVector ui = x2r.sub(x1r).mul(h);
            DoubleVector tr = sr.fma(half, x0r);
            DoubleVector ti = si.fma(half, x0i);
            x0r.add(sr).intoArray(re, p0 + b);
            x0i.add(si).intoArray(im, p0 + b);
            DoubleVector ar = tr.add(ur);
            DoubleVector ai = ti.add(ui);
            DoubleVector br = tr.sub(ur);
            DoubleVector bi = ti.sub(ui);
            ar.fma(w1r, ai.mul(w1i).neg()).intoArray(re, p1 + b);
            ar.fma(w1i, ai.mul(w1r)).intoArray(im, p1 + b);
            br.fma(w2r, bi.mul(w2i).neg()).intoArray(re, p2 + b);
            br.fma(w2i, bi.mul(w2r)).intoArray(im, p2 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.dif3Broadcast(re, im, p0 + b, d, w1r0, w1i0, w2r0, w2i0, count - b);
        }
    }

    static void dit3Broadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                              double w2i0, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        DoubleVector w1r = DoubleVector.broadcast(SPECIES, w1r0);
        DoubleVector w1i = DoubleVector.broadcast(SPECIES, w1i0);
        DoubleVector w2r = DoubleVector.broadcast(SPECIES, w2r0);
        DoubleVector w2i = DoubleVector.broadcast(SPECIES, w2i0);
        DoubleVector h = DoubleVector.broadcast(SPECIES, ScalarRadix4.SIN_60);
        DoubleVector half = DoubleVector.broadcast(SPECIES, -0.5);
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector x0r = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector x0i = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector ar = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector ai = DoubleVector.fromArray(SPECIES, im, p1 + b);
            DoubleVector br = DoubleVector.fromArray(SPECIES, re, p2 + b);
            DoubleVector bi = DoubleVector.fromArray(SPECIES, im, p2 + b);
            DoubleVector x1r = ar.fma(w1r, ai.mul(w1i));
            DoubleVector x1i = ai.fma(w1r, ar.mul(w1i).neg());
            DoubleVector x2r = br.fma(w2r, bi.mul(w2i));
            DoubleVector x2i = bi.fma(w2r, br.mul(w2i).neg());
            DoubleVector sr = x1r.add(x2r);
            DoubleVector si = x1i.add(x2i);
            DoubleVector ur = x2i.sub(x1i).mul(h);
            DoubleVector ui = x1r.sub(x2r).mul(h);
            DoubleVector tr = sr.fma(half, x0r);
            DoubleVector ti = si.fma(half, x0i);
            x0r.add(sr).intoArray(re, p0 + b);
            x0i.add(si).intoArray(im, p0 + b);
            tr.add(ur).intoArray(re, p1 + b);
            ti.add(ui).intoArray(im, p1 + b);
            tr.sub(ur).intoArray(re, p2 + b);
            ti.sub(ui).intoArray(im, p2 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.dit3Broadcast(re, im, p0 + b, d, w1r0, w1i0, w2r0, w2i0, count - b);
        }
    }

    static void spreadBits(long word, double[] dst, int at, int count) {
        LongVector w = LongVector.broadcast(LONGS, word);
        int bound = LONGS.loopBound(count);
        int b = 0;
        for (; b < bound; b += LONGS.length()) {
            w.lanewise(VectorOperators.LSHR, LANE_SHIFTS.add(b)).and(1L).neg().and(ScalarRadix4.ONE_BITS)
                    .reinterpretAsDoubles().intoArray(dst, at + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.spreadBits(word >>> b, dst, at + b, count - b);
        }
    }

    static void foldRowPair(double[] srcRe, double[] srcIm, int a, int b, double[] fRe, double[] fIm, int fa, int fb,
                            int half, double rowRe0, double rowIm0, double[] colRe, double[] colIm, int jEnd) {
        int lanes = SPECIES.length();
        int top = b + 2 * half - 1;
        DoubleVector quarter = DoubleVector.broadcast(SPECIES, 0.25);
        DoubleVector rowRe = DoubleVector.broadcast(SPECIES, rowRe0);
        DoubleVector rowIm = DoubleVector.broadcast(SPECIES, rowIm0);
        int j = 0;
        for (; j + lanes <= jEnd; j += lanes) {
            int pa = a + 2 * j;                    // A[2j + 2i] and A[2j + 2i + 1] for lanes i
            DoubleVector lo = DoubleVector.fromArray(SPECIES, srcRe, pa);
            DoubleVector hi = DoubleVector.fromArray(SPECIES, srcRe, pa + lanes);
            DoubleVector ar0 = lo.rearrange(EVEN, hi);
            DoubleVector ar1 = lo.rearrange(ODD, hi);
            lo = DoubleVector.fromArray(SPECIES, srcIm, pa);
            hi = DoubleVector.fromArray(SPECIES, srcIm, pa + lanes);
            DoubleVector ai0 = lo.rearrange(EVEN, hi);
            DoubleVector ai1 = lo.rearrange(ODD, hi);
            int pb = top - 2 * j - (2 * lanes - 1);   // B[top − 2j − 2i] and B[top − 2j − 2i − 1], descending
            lo = DoubleVector.fromArray(SPECIES, srcRe, pb);
            hi = DoubleVector.fromArray(SPECIES, srcRe, pb + lanes);
            DoubleVector br0 = lo.rearrange(DOWN_ODD, hi);
            DoubleVector br1 = lo.rearrange(DOWN_EVEN, hi);
            lo = DoubleVector.fromArray(SPECIES, srcIm, pb);
            hi = DoubleVector.fromArray(SPECIES, srcIm, pb + lanes);
            DoubleVector bi0 = lo.rearrange(DOWN_ODD, hi);
            DoubleVector bi1 = lo.rearrange(DOWN_EVEN, hi);
            DoubleVector x0r = ar0.add(br0);
            DoubleVector x0i = ai0.sub(bi0);
            DoubleVector s0r = ai0.add(bi0);
            DoubleVector s0i = br0.sub(ar0);
            DoubleVector p0r = x0r.mul(s0r).sub(x0i.mul(s0i)).mul(quarter);
            DoubleVector p0i = x0r.mul(s0i).add(x0i.mul(s0r)).mul(quarter);
            DoubleVector x1r = ar1.add(br1);
            DoubleVector x1i = ai1.sub(bi1);
            DoubleVector s1r = ai1.add(bi1);
            DoubleVector s1i = br1.sub(ar1);
            DoubleVector p1r = x1r.mul(s1r).sub(x1i.mul(s1i)).mul(quarter);
            DoubleVector p1i = x1r.mul(s1i).add(x1i.mul(s1r)).mul(quarter);
            DoubleVector kr = DoubleVector.fromArray(SPECIES, colRe, j);
            DoubleVector ki = DoubleVector.fromArray(SPECIES, colIm, j);
            DoubleVector cr = rowRe.mul(kr).sub(rowIm.mul(ki));
            DoubleVector ci = rowRe.mul(ki).add(rowIm.mul(kr));
            DoubleVector er = p0r.add(p1r);
            DoubleVector ei = p0i.add(p1i);
            DoubleVector dr = p0r.sub(p1r);
            DoubleVector di = p0i.sub(p1i);
            DoubleVector or = dr.mul(cr).sub(di.mul(ci));
            DoubleVector oi = dr.mul(ci).add(di.mul(cr));
            er.sub(oi).intoArray(fRe, fa + j);
            ei.add(or).intoArray(fIm, fa + j);
            int down = fb + half - lanes - j;      // F_B[half − 1 − j − i], lanes reversed
            er.add(oi).rearrange(REVERSE).intoArray(fRe, down);
            or.sub(ei).rearrange(REVERSE).intoArray(fIm, down);
        }
        SpectrumFold.foldRowPair(srcRe, srcIm, a, b, fRe, fIm, fa, fb, half, rowRe0, rowIm0, colRe, colIm, j, jEnd);
    }
}
