/*
 * LRU cache: a chained hash table (FNV-1a) over a doubly linked recency list.
 * The table doubles when the load passes 1, so lookups stay O(1) for the few hundred
 * texts a screen set needs.
 */
#include <stdlib.h>
#include <string.h>

#include "lru.h"
#include "ui/core.h"

struct lru_node {
  struct lru_node *prev, *next; /* recency: head = most recent */
  struct lru_node *chain;       /* hash bucket */
  uint64_t hash;
  void *value;
  size_t cost;
  size_t klen;
  unsigned char key[]; /* klen bytes */
};

struct ui_lru {
  struct lru_node **bucket;
  size_t nbuckets; /* power of two */
  struct lru_node *head, *tail;
  size_t max_entries, max_cost;
  void (*free_value)(void *value, void *user);
  void *user;
  struct ui_lru_stats st;
};

static uint64_t fnv1a(const void *key, size_t len)
{
  const unsigned char *p = key;
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int ui_lru_create(size_t max_entries, size_t max_cost,
                  void (*free_value)(void *value, void *user), void *user,
                  struct ui_lru **out)
{
  if (!out || max_entries == 0)
    return UI_E_INVALID_ARG;
  *out = NULL;
  struct ui_lru *c = calloc(1, sizeof *c);
  if (!c)
    return UI_E_NO_MEMORY;
  c->nbuckets = 64;
  c->bucket = calloc(c->nbuckets, sizeof *c->bucket);
  if (!c->bucket) {
    free(c);
    return UI_E_NO_MEMORY;
  }
  c->max_entries = max_entries;
  c->max_cost = max_cost ? max_cost : SIZE_MAX;
  c->free_value = free_value;
  c->user = user;
  *out = c;
  return UI_OK;
}

static void list_unlink(struct ui_lru *c, struct lru_node *n)
{
  if (n->prev)
    n->prev->next = n->next;
  else
    c->head = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    c->tail = n->prev;
  n->prev = n->next = NULL;
}

static void list_push_front(struct ui_lru *c, struct lru_node *n)
{
  n->prev = NULL;
  n->next = c->head;
  if (c->head)
    c->head->prev = n;
  c->head = n;
  if (!c->tail)
    c->tail = n;
}

static void release(struct ui_lru *c, void *value)
{
  if (c->free_value && value)
    c->free_value(value, c->user);
}

/* Unlink n from its bucket and the list, free it and its value. */
static void drop(struct ui_lru *c, struct lru_node *n)
{
  struct lru_node **pp = &c->bucket[n->hash & (c->nbuckets - 1)];
  while (*pp && *pp != n)
    pp = &(*pp)->chain;
  if (*pp)
    *pp = n->chain;
  list_unlink(c, n);
  c->st.entries--;
  c->st.cost -= n->cost;
  release(c, n->value);
  free(n);
}

static struct lru_node *find(const struct ui_lru *c, const void *key, size_t klen,
                             uint64_t h)
{
  for (struct lru_node *n = c->bucket[h & (c->nbuckets - 1)]; n; n = n->chain)
    if (n->hash == h && n->klen == klen && memcmp(n->key, key, klen) == 0)
      return n;
  return NULL;
}

void *ui_lru_get(struct ui_lru *c, const void *key, size_t klen)
{
  if (!c || !key)
    return NULL;
  struct lru_node *n = find(c, key, klen, fnv1a(key, klen));
  if (!n) {
    c->st.misses++;
    return NULL;
  }
  c->st.hits++;
  list_unlink(c, n);
  list_push_front(c, n);
  return n->value;
}

static void grow(struct ui_lru *c)
{
  size_t nb = c->nbuckets * 2;
  struct lru_node **b = calloc(nb, sizeof *b);
  if (!b)
    return; /* keep the old table: slower, still correct */
  for (size_t i = 0; i < c->nbuckets; i++) {
    struct lru_node *n = c->bucket[i];
    while (n) {
      struct lru_node *next = n->chain;
      n->chain = b[n->hash & (nb - 1)];
      b[n->hash & (nb - 1)] = n;
      n = next;
    }
  }
  free(c->bucket);
  c->bucket = b;
  c->nbuckets = nb;
}

int ui_lru_put(struct ui_lru *c, const void *key, size_t klen, void *value, size_t cost)
{
  if (!c || !key) {
    return UI_E_INVALID_ARG;
  }
  if (cost > c->max_cost) {
    release(c, value);
    return UI_E_TOO_LARGE;
  }
  uint64_t h = fnv1a(key, klen);
  struct lru_node *old = find(c, key, klen, h);
  if (old)
    drop(c, old);
  while (c->tail && (c->st.entries + 1 > c->max_entries || c->st.cost + cost > c->max_cost)) {
    drop(c, c->tail);
    c->st.evictions++;
  }
  struct lru_node *n = malloc(sizeof *n + klen);
  if (!n) {
    release(c, value);
    return UI_E_NO_MEMORY;
  }
  memcpy(n->key, key, klen);
  n->klen = klen;
  n->hash = h;
  n->value = value;
  n->cost = cost;
  n->chain = c->bucket[h & (c->nbuckets - 1)];
  c->bucket[h & (c->nbuckets - 1)] = n;
  list_push_front(c, n);
  c->st.entries++;
  c->st.cost += cost;
  if (c->st.entries > c->nbuckets)
    grow(c);
  return UI_OK;
}

void ui_lru_clear(struct ui_lru *c)
{
  if (!c)
    return;
  while (c->head)
    drop(c, c->head);
}

void ui_lru_destroy(struct ui_lru *c)
{
  if (!c)
    return;
  ui_lru_clear(c);
  free(c->bucket);
  free(c);
}

void ui_lru_get_stats(const struct ui_lru *c, struct ui_lru_stats *out)
{
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (c)
    *out = c->st;
}
