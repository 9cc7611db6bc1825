package dev.cairn.core.script.engine;

import java.lang.reflect.Field;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.lib.DebugLib;

/**
 * The variable a failing instruction used, named as Lua 5.1 names it in "attempt to ..." errors: {@code global 'x'},
 * {@code local 'x'}, {@code field 'x'}, {@code method 'x'}, {@code upvalue 'x'}. The operand at fault follows Lua
 * 5.1's rules (arithmetic blames the first operand that is not a number, concatenation the first that is not a
 * string or number from the right), and its name comes from LuaJ's symbolic execution of the bytecode
 * ({@link DebugLib#getobjname}).
 */
final class Culprit {
  private Culprit() {}

  /** Starts the line {@link ScriptHook#traceback} adds to an error message; {@link LuaErrors} reads it back. */
  static final String MARK = "\u0001culprit ";
  /** Starts what {@link #of} gives for a failed comparison: the two operand types. */
  static final String COMPARE = "compare ";

  private static final Field NAME;
  private static final Field NAMEWHAT;

  static {
    Field n = null;
    Field w = null;
    try {
      Class<?> c = Class.forName("org.luaj.vm2.lib.DebugLib$NameWhat");
      n = c.getDeclaredField("name");
      w = c.getDeclaredField("namewhat");
      n.setAccessible(true);
      w.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      n = null; // errors then go unnamed, as before
    }
    NAME = n;
    NAMEWHAT = w;
  }

  /**
   * The named operand of instruction {@code pc} that an error there is about, as {@code <type> <kind> '<name>'} (the
   * type lets the message check that it is about that value), or for a comparison {@code compare <type> <type>}, or
   * null.
   */
  static String of(Prototype p, int pc, LuaValue[] stack) {
    if (NAME == null || p == null || stack == null || pc < 0 || pc >= p.code.length) {
      return null;
    }
    int i = p.code[pc];
    int op = Lua.GET_OPCODE(i);
    int reg;
    switch (op) {
      case Lua.OP_CALL, Lua.OP_TAILCALL -> reg = Lua.GETARG_A(i);
      case Lua.OP_GETTABLE, Lua.OP_SELF, Lua.OP_LEN, Lua.OP_UNM -> reg = Lua.GETARG_B(i);
      case Lua.OP_SETTABLE -> reg = Lua.GETARG_A(i);
      case Lua.OP_ADD, Lua.OP_SUB, Lua.OP_MUL, Lua.OP_DIV, Lua.OP_MOD, Lua.OP_POW -> {
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        // Lua 5.1 blames the first operand unless it is a number, then the second
        reg = !Lua.ISK(b) && !isNumber(stack, b) ? b : c;
        if (Lua.ISK(reg)) {
          return null;
        }
      }
      case Lua.OP_LT, Lua.OP_LE -> {
        // LuaJ words comparisons its own way and sometimes swaps the operands: give their types in source order
        return COMPARE + value(p, stack, Lua.GETARG_B(i)).typename() + " "
            + value(p, stack, Lua.GETARG_C(i)).typename();
      }
      case Lua.OP_CONCAT -> {
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        reg = -1;
        // concatenation runs from the right; the first pair with a bad member blames its left one if that is bad
        for (int r = c; r > b; r--) {
          boolean leftBad = !isText(stack, r - 1);
          if (leftBad || !isText(stack, r)) {
            reg = leftBad ? r - 1 : r;
            break;
          }
        }
        if (reg < 0) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
    String name = name(p, pc, reg);
    return name == null || reg >= stack.length || stack[reg] == null ? null : stack[reg].typename() + " " + name;
  }

  /** An RK operand: a constant or a register. */
  private static LuaValue value(Prototype p, LuaValue[] stack, int rk) {
    if (Lua.ISK(rk)) {
      return p.k[Lua.INDEXK(rk)];
    }
    return rk < stack.length && stack[rk] != null ? stack[rk] : LuaValue.NIL;
  }

  private static boolean isNumber(LuaValue[] stack, int r) {
    return r < stack.length && stack[r] != null && stack[r].tonumber().isnumber();
  }

  private static boolean isText(LuaValue[] stack, int r) {
    return r < stack.length && stack[r] != null
        && (stack[r].type() == LuaValue.TSTRING || stack[r].type() == LuaValue.TNUMBER);
  }

  /** The name of the function the call at {@code pc} calls ({@code foo} for {@code foo()}), or null. */
  static String calledFunction(Prototype p, int pc) {
    if (NAME == null || pc < 0 || pc >= p.code.length) {
      return null;
    }
    int i = p.code[pc];
    int op = org.luaj.vm2.Lua.GET_OPCODE(i);
    if (op != org.luaj.vm2.Lua.OP_CALL && op != org.luaj.vm2.Lua.OP_TAILCALL) {
      return null;
    }
    try {
      Object nw = DebugLib.getobjname(p, pc, org.luaj.vm2.Lua.GETARG_A(i));
      return nw == null ? null : (String) NAME.get(nw);
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  private static String name(Prototype p, int pc, int reg) {
    try {
      Object nw = DebugLib.getobjname(p, pc, reg);
      if (nw == null) {
        return null;
      }
      String what = (String) NAMEWHAT.get(nw);
      String name = (String) NAME.get(nw);
      // Lua 5.1 has no "constant" kind: a constant operand goes unnamed
      if (what == null || name == null || what.equals("constant")) {
        return null;
      }
      return what + " '" + name + "'";
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }
}
