/*
 * A least-recently-used cache of owned values under byte-string keys (private).
 * Used for rendered text textures, keyed by string + size + weight + colour.
 * Bounded by entry count and by total cost (texture bytes); putting past either bound
 * evicts from the least recently used end. Not thread-safe (main thread only).
 */
#ifndef UI_LRU_H
#define UI_LRU_H

#include <stddef.h>
#include <stdint.h>

struct ui_lru;

struct ui_lru_stats {
  uint64_t hits, misses, evictions;
  size_t entries, cost;
};

/* free_value releases a value when it is evicted, replaced or cleared. */
int ui_lru_create(size_t max_entries, size_t max_cost,
                  void (*free_value)(void *value, void *user), void *user,
                  struct ui_lru **out);
void ui_lru_destroy(struct ui_lru *c);

/* The value under key (moved to the most recently used end), NULL on a miss. */
void *ui_lru_get(struct ui_lru *c, const void *key, size_t klen);
/* Insert or replace; the cache owns value from here on (freed with free_value even
 * when the put fails: UI_E_NO_MEMORY, or UI_E_TOO_LARGE when cost alone is over). */
int ui_lru_put(struct ui_lru *c, const void *key, size_t klen, void *value, size_t cost);
void ui_lru_clear(struct ui_lru *c);
void ui_lru_get_stats(const struct ui_lru *c, struct ui_lru_stats *out);

#endif
