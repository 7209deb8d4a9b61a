package qstcs.console;

import eu.hansolo.tilesfx.Section;
import eu.hansolo.tilesfx.Tile.SkinType;
import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.paint.Color;
import javafx.scene.text.TextAlignment;
import qstcs.crypto.link.LinkColour;

/**
 * One factory method per dashboard tile, each a single {@link TileBuilder} chain. Alert bands
 * follow the link colour's thresholds ({@link LinkColour}): GREEN below 5 % QBER, YELLOW to 11 %, RED above.
 * Values are pushed in by {@link DashboardView}; nothing here knows about the network.
 */
final class DashboardTiles {
    static final double YELLOW_FROM_PERCENT = LinkColour.YELLOW_QBER * 100;
    static final double RED_FROM_PERCENT = LinkColour.RED_QBER * 100;
    static final double GAUGE_MAX_PERCENT = 30;

    static final Color GREEN = Color.web("#2ecc71");
    static final Color YELLOW = Color.web("#f4c430");
    static final Color RED = Color.web("#ff4d4d");
    static final Color OFFLINE = Color.web("#7f8c8d");
    static final Color BACKGROUND = Color.web("#161d27");
    static final Color TEXT = Color.web("#dfe6ee");
    static final Color MUTED = Color.web("#a3b1c2");

    private DashboardTiles() {
    }

    static Color colorOf(LinkState state) {
        return switch (state) {
            case GREEN -> GREEN;
            case YELLOW -> YELLOW;
            case RED -> RED;
            case OFFLINE -> OFFLINE;
        };
    }

    static Tile linkLamp() {
        Tile lamp = TileBuilder.create()
                .skinType(SkinType.LED)
                .title("QUANTUM LINK")
                .description("OFFLINE")
                .descriptionColor(OFFLINE)
                .text("simulated BB84 link")
                .textVisible(true)
                .activeColor(OFFLINE)
                .backgroundColor(BACKGROUND)
                .build();
        lamp.setActive(true); // the lamp is always lit; its colour carries the state
        return lamp;
    }

    static Tile qberGauge() {
        return TileBuilder.create()
                .skinType(SkinType.GAUGE)
                .title("QBER")
                .unit("%")
                .minValue(0)
                .maxValue(GAUGE_MAX_PERCENT)
                .decimals(1)
                .tickLabelDecimals(0)
                .threshold(RED_FROM_PERCENT)
                .thresholdVisible(true)
                .sections(new Section(0, YELLOW_FROM_PERCENT, GREEN),
                          new Section(YELLOW_FROM_PERCENT, RED_FROM_PERCENT, YELLOW),
                          new Section(RED_FROM_PERCENT, GAUGE_MAX_PERCENT, RED))
                .sectionsVisible(true)
                .highlightSections(false)
                // No needle animation: an interrupted TilesFX animation can leave the needle at an old
                // value, and an operator must never see 1 % while the link is RED at 25 %.
                .animated(false)
                .backgroundColor(BACKGROUND)
                .build();
    }

    /**
     * A history tile around a {@link TrendChart}: real points on a time axis, the same drawing as
     * the Trends tab. The title carries the range and the current value.
     */
    static Tile history(String title, Node chart) {
        return TileBuilder.create()
                .skinType(SkinType.CUSTOM)
                .title(title)
                .graphic(chart)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .build();
    }

    /**
     * A tile around one {@link ReadingView}: the figure, its unit, what it means and its age are
     * ordinary labels styled by the console's stylesheet (a NUMBER tile can show neither "—" nor an age).
     */
    static Tile reading(String title, Node reading) {
        return TileBuilder.create()
                .skinType(SkinType.CUSTOM)
                .title(title)
                .graphic(reading)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .build();
    }

    /** The router guard shows a word (BLOCKING / ALLOWING / NO SIGNAL), so it carries its own labels. */
    static Tile routerGuard(Node content) {
        return TileBuilder.create()
                .skinType(SkinType.CUSTOM)
                .title("ROUTER GUARD")
                .graphic(content)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .build();
    }

    static Tile controls(Node content) {
        return TileBuilder.create()
                .skinType(SkinType.CUSTOM)
                .title("OPERATOR CONTROLS")
                .textSize(Tile.TextSize.SMALLER)
                .graphic(content)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .build();
    }

    static Tile eventTimeline(Node list) {
        return TileBuilder.create()
                .skinType(SkinType.CUSTOM)
                .title("EVENT TIMELINE · audit log, newest first")
                .titleAlignment(TextAlignment.LEFT)
                .textSize(Tile.TextSize.SMALLER)
                .graphic(list)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .build();
    }
}
