package dev.breakwater.dataplane.persistent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sharded map edits into a new one equal to a JDK map given the same changes, and shares the rest. */
class ShardedMapTest {

    @Test
    void editsGiveWhatAHashMapHolds() {
        Random random = new Random(42);
        Map<String, Integer> expected = new HashMap<>();
        ShardedMap<String, Integer> map = ShardedMap.empty();
        List<ShardedMap<String, Integer>> versions = new ArrayList<>();
        List<Map<String, Integer>> contents = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            ShardedMap.Editor<String, Integer> edit = map.edit();
            // now and then a burst (growing past the square-root rule), else a few changes
            int changes = round % 50 == 0 ? 2_000 : 1 + random.nextInt(5);
            for (int i = 0; i < changes; i++) {
                String key = "k" + random.nextInt(round < 150 ? 20_000 : 3_000);
                if (random.nextInt(3) == 0) {
                    assertThat(edit.remove(key)).isEqualTo(expected.remove(key));
                } else {
                    int value = random.nextInt(1000);
                    assertThat(edit.put(key, value)).isEqualTo(expected.put(key, value));
                }
                assertThat(edit.size()).isEqualTo(expected.size());
            }
            ShardedMap<String, Integer> before = map;
            map = edit.done();
            assertThat(map.size()).isEqualTo(expected.size());
            Map<String, Integer> copy = new HashMap<>();
            map.forEach(copy::put);
            assertThat(copy).isEqualTo(expected);
            assertThat(map.asMap().equals(expected)).isTrue();
            assertThat(new java.util.HashSet<>(map.keySet())).isEqualTo(expected.keySet());
            assertThat(map.keySet()).hasSize(expected.size());
            assertThat(map.values().stream().sorted().toList())
                    .isEqualTo(expected.values().stream().sorted().toList());
            for (int i = 0; i < 50; i++) {
                String key = "k" + random.nextInt(20_000);
                assertThat(map.get(key)).isEqualTo(expected.get(key));
                assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
            // what changed, found from the shards that differ, is what changed
            Map<String, Integer> previous = contents.isEmpty() ? Map.of() : contents.get(contents.size() - 1);
            Map<String, Integer> reported = new HashMap<>();
            List<String> removed = new ArrayList<>();
            map.forEachDifference(before, (k, was, is) -> {
                if (is == null) {
                    removed.add(k);
                } else {
                    reported.put(k, is);
                }
            });
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                if (!e.getValue().equals(previous.get(e.getKey()))) {
                    assertThat(reported).containsEntry(e.getKey(), e.getValue());
                }
            }
            assertThat(removed).allMatch(k -> previous.containsKey(k) && !expected.containsKey(k));
            assertThat(new java.util.HashSet<>(removed)).hasSameSizeAs(removed)
                    .isEqualTo(previous.keySet().stream().filter(k -> !expected.containsKey(k))
                            .collect(java.util.stream.Collectors.toSet()));
            versions.add(map);
            contents.add(Map.copyOf(expected));
        }
        // every earlier map is as it was made
        for (int i = 0; i < versions.size(); i++) {
            Map<String, Integer> held = new HashMap<>();
            versions.get(i).forEach(held::put);
            assertThat(held).isEqualTo(contents.get(i));
        }
    }

    @Test
    void oneChangeCopiesOneShard() {
        ShardedMap.Editor<String, Integer> build = ShardedMap.<String, Integer>empty().edit();
        for (int i = 0; i < 10_000; i++) {
            build.put("host" + i, i);
        }
        ShardedMap<String, Integer> map = build.done();
        assertThat(map.shardCount()).isEqualTo(64);
        ShardedMap.Editor<String, Integer> edit = map.edit();
        edit.put("host17", -1);
        ShardedMap<String, Integer> next = edit.done();
        List<String> looked = new ArrayList<>();
        next.forEachDifference(map, (k, was, is) -> looked.add(k + "=" + was + ">" + is));
        assertThat(looked).containsExactly("host17=17>-1");
        assertThat(map.get("host17")).isEqualTo(17);
        assertThat(next.get("host17")).isEqualTo(-1);
        assertThat(map.edit().done()).as("no change, no new map").isSameAs(map);
    }
}
