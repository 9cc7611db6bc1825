/* Minimal Redis module (hand-written API binding) with a type "TestBox-1" encver 1: one string field,
   to cross-check Cairn's module value encoding against Redis 7.2.4's. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

typedef struct RedisModuleCtx RedisModuleCtx;
typedef struct RedisModuleKey RedisModuleKey;
typedef struct RedisModuleString RedisModuleString;
typedef struct RedisModuleIO RedisModuleIO;
typedef struct RedisModuleType RedisModuleType;

typedef void *(*rdbload_fn)(RedisModuleIO *, int);
typedef void (*rdbsave_fn)(RedisModuleIO *, void *);
typedef void (*aof_fn)(void *, RedisModuleString *, void *);
typedef size_t (*mem_fn)(const void *);
typedef void (*digest_fn)(void *, void *);
typedef void (*free_fn)(void *);
typedef struct {
  uint64_t version;
  rdbload_fn rdb_load;
  rdbsave_fn rdb_save;
  aof_fn aof_rewrite;
  mem_fn mem_usage;
  digest_fn digest;
  free_fn free;
} TypeMethods;

static int (*GetApi)(const char *, void *);
static int (*SetModuleAttribs)(RedisModuleCtx *, const char *, int, int);
static RedisModuleType *(*CreateDataType)(RedisModuleCtx *, const char *, int, TypeMethods *);
static int (*CreateCommand)(RedisModuleCtx *, const char *, int (*)(RedisModuleCtx *, RedisModuleString **, int),
                            const char *, int, int, int);
static RedisModuleKey *(*OpenKey)(RedisModuleCtx *, RedisModuleString *, int);
static void (*CloseKey)(RedisModuleKey *);
static int (*KeyType)(RedisModuleKey *);
static int (*ModuleTypeSetValue)(RedisModuleKey *, RedisModuleType *, void *);
static void *(*ModuleTypeGetValue)(RedisModuleKey *);
static void (*SaveStringBuffer)(RedisModuleIO *, const char *, size_t);
static char *(*LoadStringBuffer)(RedisModuleIO *, size_t *);
static const char *(*StringPtrLen)(const RedisModuleString *, size_t *);
static int (*ReplyWithSimpleString)(RedisModuleCtx *, const char *);
static int (*ReplyWithStringBuffer)(RedisModuleCtx *, const char *, size_t);
static int (*ReplyWithNull)(RedisModuleCtx *);
static int (*ReplyWithError)(RedisModuleCtx *, const char *);
static void *(*Alloc)(size_t);
static void (*Free)(void *);

typedef struct { size_t len; char *buf; } Box;
static RedisModuleType *BoxType;

static void *box_load(RedisModuleIO *io, int encver) {
  if (encver != 1) return NULL;
  Box *b = Alloc(sizeof(Box));
  b->buf = LoadStringBuffer(io, &b->len);
  return b;
}
static void box_save(RedisModuleIO *io, void *v) { Box *b = v; SaveStringBuffer(io, b->buf, b->len); }
static void box_free(void *v) { Box *b = v; Free(b->buf); Free(b); }

static int setbox(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  if (argc != 3) return ReplyWithError(ctx, "ERR arity");
  RedisModuleKey *k = OpenKey(ctx, argv[1], 1 | 2);
  size_t len;
  const char *s = StringPtrLen(argv[2], &len);
  Box *b = Alloc(sizeof(Box));
  b->buf = Alloc(len ? len : 1);
  memcpy(b->buf, s, len);
  b->len = len;
  ModuleTypeSetValue(k, BoxType, b);
  CloseKey(k);
  return ReplyWithSimpleString(ctx, "OK");
}

static int getbox(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  if (argc != 2) return ReplyWithError(ctx, "ERR arity");
  RedisModuleKey *k = OpenKey(ctx, argv[1], 1);
  if (KeyType(k) != 6) { CloseKey(k); return ReplyWithNull(ctx); }
  Box *b = ModuleTypeGetValue(k);
  CloseKey(k);
  return ReplyWithStringBuffer(ctx, b->buf, b->len);
}

#define API(name, var) GetApi("RedisModule_" name, (void *)&var)

int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
  (void)argv; (void)argc;
  GetApi = (int (*)(const char *, void *))((void **)ctx)[0];
  API("SetModuleAttribs", SetModuleAttribs);
  API("CreateDataType", CreateDataType);
  API("CreateCommand", CreateCommand);
  API("OpenKey", OpenKey);
  API("CloseKey", CloseKey);
  API("KeyType", KeyType);
  API("ModuleTypeSetValue", ModuleTypeSetValue);
  API("ModuleTypeGetValue", ModuleTypeGetValue);
  API("SaveStringBuffer", SaveStringBuffer);
  API("LoadStringBuffer", LoadStringBuffer);
  API("StringPtrLen", StringPtrLen);
  API("ReplyWithSimpleString", ReplyWithSimpleString);
  API("ReplyWithStringBuffer", ReplyWithStringBuffer);
  API("ReplyWithNull", ReplyWithNull);
  API("ReplyWithError", ReplyWithError);
  API("Alloc", Alloc);
  API("Free", Free);
  SetModuleAttribs(ctx, "testmod", 7, 1);
  TypeMethods tm = {1, box_load, box_save, NULL, NULL, NULL, box_free};
  BoxType = CreateDataType(ctx, "TestBox-1", 1, &tm);
  if (BoxType == NULL) return 1;
  if (CreateCommand(ctx, "test.setbox", setbox, "write", 1, 1, 1) != 0) return 1;
  if (CreateCommand(ctx, "test.getbox", getbox, "readonly", 1, 1, 1) != 0) return 1;
  return 0;
}
