package dev.cairn.core.script.function;

import java.util.LinkedHashMap;
import java.util.Map;
import org.luaj.vm2.LuaFunction;

/** A library loaded with FUNCTION LOAD: its name, its code as given (shebang included), and its functions. */
public final class FunctionLibrary {
  /** A function a library registered with {@code redis.register_function}. */
  public record Function(String name, String description, int flags, LuaFunction callback, FunctionLibrary library) {
  }

  public final String name;
  public final byte[] code;
  public final Map<String, Function> functions = new LinkedHashMap<>();

  FunctionLibrary(String name, byte[] code) {
    this.name = name;
    this.code = code;
  }
}
