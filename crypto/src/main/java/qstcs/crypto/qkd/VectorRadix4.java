package qstcs.crypto.qkd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Radix4Butterflies} with the incubating Vector API: the same arithmetic as
 * {@link ScalarRadix4}, one vector (four doubles with AVX2) of butterflies per step, fused
 * multiply-adds for the complex products. Loaded only by name from
 * {@link Radix4Butterflies#fastest()}, so nothing breaks when the module is absent. The
 * four-step path's kernels live in {@link VectorFourStep}; this class hands them on.
 */
final class VectorRadix4 implements Radix4Butterflies {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    VectorRadix4() {
        if (SPECIES.length() < 2) {
            throw new IllegalStateException("no useful vector shape on this CPU");
        }
    }

    @Override
    public String description() {
        return "vector, " + SPECIES.length() + " doubles";
    }

    @Override
    public void dif(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
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
            DoubleVector w1r = DoubleVector.fromArray(SPECIES, tr, 2 * q + w + b);
            DoubleVector w1i = DoubleVector.fromArray(SPECIES, ti, 2 * q + w + b);
            DoubleVector w2r = DoubleVector.fromArray(SPECIES, tr, q + w + b);
            DoubleVector w2i = DoubleVector.fromArray(SPECIES, ti, q + w + b);
            DoubleVector w3r = w1r.fma(w2r, w1i.mul(w2i).neg());
            DoubleVector w3i = w1r.fma(w2i, w1i.mul(w2r));
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
            ScalarRadix4.difFrom(re, im, tr, ti, p0, d, q, w, b, count);
        }
    }

    @Override
    public void dit(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector w1r = DoubleVector.fromArray(SPECIES, tr, 2 * q + w + b);
            DoubleVector w1i = DoubleVector.fromArray(SPECIES, ti, 2 * q + w + b).neg();
            DoubleVector w2r = DoubleVector.fromArray(SPECIES, tr, q + w + b);
            DoubleVector w2i = DoubleVector.fromArray(SPECIES, ti, q + w + b).neg();
            DoubleVector w3r = w1r.fma(w2r, w1i.mul(w2i).neg());
            DoubleVector w3i = w1r.fma(w2i, w1i.mul(w2r));
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
            ScalarRadix4.ditFrom(re, im, tr, ti, p0, d, q, w, b, count);
        }
    }

    @Override
    public void dif2(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int w, int count) {
        int p1 = p0 + d;
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector cr = DoubleVector.fromArray(SPECIES, tr, w + b);
            DoubleVector ci = DoubleVector.fromArray(SPECIES, ti, w + b);
            DoubleVector ur = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector ui = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector vr = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector vi = DoubleVector.fromArray(SPECIES, im, p1 + b);
            ur.add(vr).intoArray(re, p0 + b);
            ui.add(vi).intoArray(im, p0 + b);
            DoubleVector dr = ur.sub(vr);
            DoubleVector di = ui.sub(vi);
            dr.fma(cr, di.mul(ci).neg()).intoArray(re, p1 + b);
            dr.fma(ci, di.mul(cr)).intoArray(im, p1 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.dif2(re, im, tr, ti, p0 + b, d, w + b, count - b);
        }
    }

    @Override
    public void dit2(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int w, int count) {
        int p1 = p0 + d;
        int bound = SPECIES.loopBound(count);
        int b = 0;
        for (; b < bound; b += SPECIES.length()) {
            DoubleVector cr = DoubleVector.fromArray(SPECIES, tr, w + b);
            DoubleVector ci = DoubleVector.fromArray(SPECIES, ti, w + b).neg();
            DoubleVector ur = DoubleVector.fromArray(SPECIES, re, p0 + b);
            DoubleVector ui = DoubleVector.fromArray(SPECIES, im, p0 + b);
            DoubleVector vr = DoubleVector.fromArray(SPECIES, re, p1 + b);
            DoubleVector vi = DoubleVector.fromArray(SPECIES, im, p1 + b);
            DoubleVector xr = vr.fma(cr, vi.mul(ci).neg());
            DoubleVector xi = vr.fma(ci, vi.mul(cr));
            ur.add(xr).intoArray(re, p0 + b);
            ui.add(xi).intoArray(im, p0 + b);
            ur.sub(xr).intoArray(re, p1 + b);
            ui.sub(xi).intoArray(im, p1 + b);
        }
        if (b < count) {
            ScalarRadix4.INSTANCE.dit2(re, im, tr, ti, p0 + b, d, w + b, count - b);
        }
    }

    @Override
    public void difBroadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                             double w2i0, int count) {
        VectorFourStep.difBroadcast(re, im, p0, d, w1r0, w1i0, w2r0, w2i0, count);
    }

    @Override
    public void ditBroadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                             double w2i0, int count) {
        VectorFourStep.ditBroadcast(re, im, p0, d, w1r0, w1i0, w2r0, w2i0, count);
    }

    @Override
    public void twiddle(double[] srcRe, double[] srcIm, int a, double[] dstRe, double[] dstIm, int d,
                        double[] coarseRe, double[] coarseIm, int cf, double[] fineRe, double[] fineIm, int ff,
                        int fine, int count) {
        VectorFourStep.twiddle(srcRe, srcIm, a, dstRe, dstIm, d, coarseRe, coarseIm, cf, fineRe, fineIm, ff, fine, count);
    }

    @Override
    public void dif3Broadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                              double w2i0, int count) {
        VectorFourStep.dif3Broadcast(re, im, p0, d, w1r0, w1i0, w2r0, w2i0, count);
    }

    @Override
    public void dit3Broadcast(double[] re, double[] im, int p0, int d, double w1r0, double w1i0, double w2r0,
                              double w2i0, int count) {
        VectorFourStep.dit3Broadcast(re, im, p0, d, w1r0, w1i0, w2r0, w2i0, count);
    }

    @Override
    public void spreadBits(long word, double[] dst, int at, int count) {
        VectorFourStep.spreadBits(word, dst, at, count);
    }

    @Override
    public void foldRowPair(double[] srcRe, double[] srcIm, int a, int b, double[] fRe, double[] fIm, int fa, int fb,
                            int half, double rowRe0, double rowIm0, double[] colRe, double[] colIm, int jEnd) {
        VectorFourStep.foldRowPair(srcRe, srcIm, a, b, fRe, fIm, fa, fb, half, rowRe0, rowIm0, colRe, colIm, jEnd);
    }
}
