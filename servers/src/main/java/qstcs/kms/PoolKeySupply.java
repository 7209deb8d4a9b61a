package qstcs.kms;

import qstcs.kms.etsi014.LinkKeySupply;

/**
 * The link's key pool as the ETSI 014 routes draw from it: a short pool runs the extra rounds a
 * device's key request would run, once, before the KME answers 503.
 */
record PoolKeySupply(LinkState link, QuantumLink quantumLink) implements LinkKeySupply {

    @Override
    public Draw draw(int sizeBits, int count) {
        try {
            Draw d = link.drawKeys(sizeBits, count);
            if (d instanceof PoolShort) {
                quantumLink.refill();
                d = link.drawKeys(sizeBits, count);
            }
            return d;
        } catch (LinkStandbyException e) {
            return new Standby();
        }
    }

    @Override
    public long storedBits() {
        return link.snapshot().poolBits();
    }

    @Override
    public long capacityBits() {
        return link.poolCapBits();
    }

    @Override
    public boolean red() {
        return link.red();
    }
}
