package qstcs.chat;

import java.text.BreakIterator;
import java.util.function.Consumer;
import javafx.geometry.Orientation;
import javafx.geometry.Point2D;
import javafx.scene.Cursor;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.shape.Path;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * A message's text that reads like a wrapping label and selects like a text field: drag across it
 * to select part of it, double-click for a word, triple-click for all of it; the selection is
 * painted behind the glyphs ({@code .text-selection}). It is one {@link TextFlow} with one
 * {@link Text}, about what a label costs, so a virtualised list of bubbles stays as fast; there is
 * no caret and no editing. {@link #selectedText()} is what Ctrl+C copies.
 */
final class SelectableText extends Region {
    private final Text text = new Text();
    private final TextFlow flow = new TextFlow(text);
    private final Path highlight = new Path();
    private final Consumer<SelectableText> onSelect;
    private int anchor;
    private int start;
    private int end;

    /** @param onSelect told when a selection starts here, so the owner can clear the one elsewhere */
    SelectableText(Consumer<SelectableText> onSelect) {
        this.onSelect = onSelect;
        getStyleClass().add("selectable-text");
        text.getStyleClass().add("text");
        highlight.getStyleClass().add("text-selection");
        highlight.setManaged(false);
        highlight.setMouseTransparent(true);
        getChildren().addAll(highlight, flow);
        setCursor(Cursor.TEXT);
        // Not consumed: the cell still gets the press, so the message is selected and the list
        // has the focus that Ctrl+C goes to.
        addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getButton() != MouseButton.PRIMARY) {
                return;
            }
            int i = indexAt(e);
            switch (e.getClickCount()) {
                case 1 -> {
                    anchor = i;
                    select(i, i);
                }
                case 2 -> selectWordAt(i);
                default -> select(0, length());
            }
            onSelect.accept(this);
        });
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (e.isPrimaryButtonDown()) {
                select(anchor, indexAt(e));
                // A drag here selects text, not a range of list cells.
                e.consume();
            }
        });
    }

    /** Shows {@code s} with nothing selected; the same text again (a cell laid out anew) keeps its selection. */
    void setText(String s) {
        if (getText().equals(s)) {
            return;
        }
        text.setText(s);
        anchor = 0;
        select(0, 0);
    }

    String getText() {
        String s = text.getText();
        return s == null ? "" : s;
    }

    /** The selected part; empty when nothing is selected. */
    String selectedText() {
        return getText().substring(start, end);
    }

    boolean hasSelection() {
        return end > start;
    }

    void clearSelection() {
        select(anchor, anchor);
    }

    /** Selects the characters between two insertion points, in either order. */
    void select(int from, int to) {
        int n = length();
        start = Math.clamp(Math.min(from, to), 0, n);
        end = Math.clamp(Math.max(from, to), 0, n);
        showHighlight();
    }

    private void selectWordAt(int i) {
        String s = getText();
        if (s.isEmpty()) {
            return;
        }
        BreakIterator words = BreakIterator.getWordInstance();
        words.setText(s);
        int at = Math.min(i, s.length() - 1);
        int to = words.following(at);
        int from = words.previous();
        anchor = from;
        select(from, to == BreakIterator.DONE ? s.length() : to);
    }

    /** Where the caret before character {@code index} would stand, on the screen: for tests that drag across the text. */
    Point2D caretOnScreen(int index) {
        javafx.scene.shape.PathElement[] caret = flow.caretShape(index, true);
        javafx.scene.shape.MoveTo top = (javafx.scene.shape.MoveTo) caret[0];
        javafx.scene.shape.LineTo bottom = (javafx.scene.shape.LineTo) caret[1];
        return flow.localToScreen(top.getX(), (top.getY() + bottom.getY()) / 2);
    }

    private int length() {
        return getText().length();
    }

    private int indexAt(MouseEvent e) {
        Point2D p = flow.sceneToLocal(e.getSceneX(), e.getSceneY());
        return Math.clamp(flow.hitTest(p).getInsertionIndex(), 0, length());
    }

    private void showHighlight() {
        if (end > start) {
            highlight.getElements().setAll(flow.rangeShape(start, end));
        } else {
            highlight.getElements().clear();
        }
        highlight.setLayoutX(flow.getLayoutX());
        highlight.setLayoutY(flow.getLayoutY());
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return snappedLeftInset() + snappedRightInset();
    }

    @Override
    protected double computePrefWidth(double height) {
        return snappedLeftInset() + flow.prefWidth(-1) + snappedRightInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        double inner = width < 0 ? -1 : Math.max(0, width - snappedLeftInset() - snappedRightInset());
        return snappedTopInset() + flow.prefHeight(inner) + snappedBottomInset();
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth() - snappedLeftInset() - snappedRightInset();
        flow.resizeRelocate(snappedLeftInset(), snappedTopInset(), w, flow.prefHeight(w));
        // The highlight follows the lines as they wrap at this width.
        flow.layout();
        showHighlight();
    }
}
