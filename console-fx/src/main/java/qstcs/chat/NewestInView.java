package qstcs.chat;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;

/**
 * Keeps the newest message of a conversation in view, as messengers do. While the soldier has not
 * scrolled away from the end, every layout pass ends with the newest message wholly shown: one
 * just added, a bubble that grew when it was marked held, a list made shorter by a banner above
 * it. Scrolling back stops that until the end is reached again; {@link #showNewest()} brings the
 * end back regardless. It works after layout because only then do the cells have their real
 * heights: the list's own scrolling goes by estimated heights and stops short of the end.
 */
final class NewestInView {
    private final ListView<?> list;
    private final Runnable afterLayout = this::afterLayout;
    private VirtualFlow<?> flow;
    /** Whether the end is to be kept in view. */
    private boolean pinned = true;
    /** Whether the soldier scrolled (or may have) since the last layout. */
    private boolean moved;

    NewestInView(ListView<?> list) {
        this.list = list;
        list.sceneProperty().subscribe((was, now) -> {
            if (was != null) {
                was.removePostLayoutPulseListener(afterLayout);
            }
            if (now != null) {
                now.addPostLayoutPulseListener(afterLayout);
            }
        });
        list.addEventFilter(ScrollEvent.SCROLL, e -> moved = true);
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> moved = true);
        list.addEventFilter(MouseEvent.ANY, e -> {
            if (e.getEventType() != MouseEvent.MOUSE_MOVED && e.getTarget() instanceof Node n && onScrollBar(n)) {
                moved = true;
            }
        });
    }

    /** Brings the newest message into view now and keeps it there. */
    void showNewest() {
        pinned = true;
        list.requestLayout();
    }

    private void afterLayout() {
        if (flow == null && list.lookup(".virtual-flow") instanceof VirtualFlow<?> f) {
            flow = f;
        }
        int n = list.getItems().size();
        if (flow == null || n == 0) {
            return;
        }
        IndexedCell<?> last = flow.getLastVisibleCell();
        double below = last == null || last.getIndex() != n - 1 ? Double.NaN
                : last.localToScene(last.getLayoutBounds()).getMaxY() - flow.localToScene(flow.getLayoutBounds()).getMaxY();
        boolean atEnd = !Double.isNaN(below) && below <= 0.5;
        if (moved) {
            moved = false;
            pinned = atEnd;
        } else if (pinned && !atEnd) {
            // Whole cells by estimate first; once the newest is laid out, by its real height.
            if (Double.isNaN(below)) {
                flow.scrollTo(n - 1);
            } else {
                flow.scrollPixels(below);
            }
        }
    }

    private boolean onScrollBar(Node n) {
        for (Node p = n; p != null && p != list; p = p.getParent()) {
            if (p instanceof ScrollBar) {
                return true;
            }
        }
        return false;
    }
}
