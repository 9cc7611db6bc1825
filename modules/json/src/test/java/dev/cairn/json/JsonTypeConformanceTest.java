package dev.cairn.json;

import dev.cairn.api.type.DataType;
import dev.cairn.sdk.DataTypeConformanceTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The ReJSON-RL type through the SDK's conformance checks (RDB round trip, fixture, copy, digest). */
class JsonTypeConformanceTest extends DataTypeConformanceTest<JsonDoc> {
  @Override
  protected DataType<JsonDoc> type() {
    return JsonType.INSTANCE;
  }

  @Override
  protected List<JsonDoc> sampleValues(Random random) {
    List<JsonDoc> l = new ArrayList<>();
    l.add(doc("{}"));
    l.add(doc("12"));
    l.add(doc("\"a string\""));
    l.add(doc("[1,2.5,true,false,null,\"é\\u0001\",{\"x\":[]}]"));
    StringBuilder big = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(random.nextInt(1000));
    }
    l.add(doc(big.append('}').toString()));
    return l;
  }

  private static JsonDoc doc(String text) {
    return new JsonDoc(JsonReader.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  protected JsonDoc fixtureValue(int encver) {
    return doc("{\"name\":\"fixture\",\"n\":[1,2.5,-3],\"ok\":true,\"none\":null}");
  }

  @Override
  protected List<Integer> fixtureVersions() {
    return List.of(3);
  }

  @Override
  protected boolean valueEquals(JsonDoc a, JsonDoc b) {
    return Arrays.equals(JsonWriter.toBytes(a.root), JsonWriter.toBytes(b.root));
  }

  @Override
  protected boolean mutate(JsonDoc value, Random random) {
    value.root = JsonReader.parse(("[" + random.nextInt() + "]").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return true;
  }
}
