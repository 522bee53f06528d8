package dev.jeras.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsWhatPythonWrites() {
        Object v = Json.parse(" {\"a\": [1, -2.5, 1e-07, true, false, null, \"x\\u00e9\\n\\\"\"], \"b\": {}, \"c\": NaN, "
                + "\"d\": -Infinity, \"e\": 12345678901234567890} ", "t");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("a", "b", "c", "d", "e");
        assertThat(m.get("a")).isEqualTo(Arrays.asList(1L, -2.5, 1e-7, true, false, null, "x\u00e9\n\""));
        assertThat(m.get("b")).isEqualTo(Map.of());
        assertThat((Double) m.get("c")).isNaN();
        assertThat(m.get("d")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(m.get("e")).isEqualTo(1.2345678901234567e19);
    }

    @Test
    void writesAsPythonsJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", 0.0010000000474974513);
        m.put("eps", 1e-7);
        m.put("rate", 0.2);
        m.put("one", 1.0);
        m.put("big", 1e16);
        m.put("small", 0.0001);
        m.put("tiny", 0.00001);
        m.put("n", 128L);
        m.put("none", null);
        m.put("list", Arrays.asList(null, 28L, 28L));
        m.put("s", "d\u00e9nse\t\"q\"");
        assertThat(Json.write(m)).isEqualTo("{\"lr\": 0.0010000000474974513, \"eps\": 1e-07, \"rate\": 0.2, \"one\": 1.0, "
                + "\"big\": 1e+16, \"small\": 0.0001, \"tiny\": 1e-05, \"n\": 128, \"none\": null, \"list\": [null, 28, 28], "
                + "\"s\": \"d\\u00e9nse\\t\\\"q\\\"\"}");
        assertThat(Json.pythonRepr(123456789012345.6)).isEqualTo("123456789012345.6");
        assertThat(Json.pythonRepr(-2.5e-300)).isEqualTo("-2.5e-300");
        assertThat(Json.pythonRepr(-0.0)).isEqualTo("-0.0");
        assertThat(Json.parse(Json.write(m), "round trip")).isEqualTo(m);
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1} x", "tru", "\"unclosed", "01x", "-", "{\"a\": 1, \"a\": 2}",
                "\"\\q\"", "\"\\u12\"", "{1: 2}", "\"tab\there\"")) {
            assertThatThrownBy(() -> Json.parse(bad, "f.json")).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("f.json is not valid JSON");
        }
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThatThrownBy(() -> Json.parse(deep, "deep")).hasMessageContaining("nested more than");
    }
}
