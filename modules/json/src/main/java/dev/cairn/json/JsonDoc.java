package dev.cairn.json;

/** A JSON key's value: the document's root, replaced in place when a command sets the root. */
final class JsonDoc {
  Object root;

  JsonDoc(Object root) {
    this.root = root;
  }
}
