package qstcs.crypto.seal;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Estimates the bytes an object graph retains by walking every reachable instance field and
 * array (64-bit JVM with compressed references: 12-byte headers, 4-byte references, 8-byte
 * alignment). Good enough to tell bounded from growing; needs {@code --add-opens} for the JDK
 * collections it walks (set in crypto's surefire configuration).
 */
final class RetainedSize {

    private RetainedSize() {
    }

    static long of(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        long total = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (o == null || o instanceof Class<?> || !seen.add(o)) {
                continue;
            }
            Class<?> c = o.getClass();
            if (c.isArray()) {
                int n = Array.getLength(o);
                Class<?> e = c.getComponentType();
                total += align(16 + (long) n * size(e));
                if (!e.isPrimitive()) {
                    for (int i = 0; i < n; i++) {
                        push(todo, Array.get(o, i));
                    }
                }
                continue;
            }
            long shallow = 12;
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    shallow += size(f.getType());
                    if (!f.getType().isPrimitive()) {
                        f.setAccessible(true);
                        try {
                            push(todo, f.get(o));
                        } catch (IllegalAccessException ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                }
            }
            total += align(shallow);
        }
        return total;
    }

    private static void push(Deque<Object> todo, Object o) {
        if (o != null) {
            todo.push(o);
        }
    }

    private static long size(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
