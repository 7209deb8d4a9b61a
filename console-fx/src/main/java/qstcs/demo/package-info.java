/**
 * The three-act demo as a script: two real client sessions (the SDK the chat window
 * uses) chat, the operator forces an attack, and the operator resets. {@code ./qstcs demo
 * --headless} runs it against running servers and prints a transcript with timings; the test
 * suite runs it against servers started in-process.
 */
package qstcs.demo;
