;; @spa/kernels — the `wasm` backend's recurrences (GAE and discounted returns), hand-written
;; WebAssembly text. `npm run build:wasm` (scripts/build-wasm.ts, wabt) turns it into
;; src/wasm/binary.ts; a test fails when the two differ.
;;
;; Numerics: the same operations in the same order as `gaeRows` / `gaeRowsSkip` / `returnRows` in
;; src/js.ts. WebAssembly's f32.add/sub/mul round every result to f32 (IEEE 754, round to
;; nearest even) and never fuse a multiply-add, which is what `Math.fround` after every f64
;; operation computes for f32 operands (f64 holds the exact product of two f32 and rounds sums of
;; two f32 without a double-rounding error: 53 ≥ 2·24 + 2). So the results equal `js`'s bit for
;; bit, signed zeros included.
;;
;; Memory: one shared linear memory imported as env.memory. Every argument is a byte address of
;; an array the caller copied in: f32 rewards (rp), values (vp), u8 dones (dp), u8 mask (mp),
;; i32 row starts (sp) and row ends (ep), one each per row: the i-th row processed is positions
;; [starts[i], ends[i]) and its bootstrap value is f32 bsp[i]; f32 outputs (ap, retp / outp). For
;; a dense or unsorted layout the caller passes its bounds twice (sp = bounds, ep = bounds + 4);
;; for a ragged one it may pass the rows in another order (longest first, so that the rows of a
;; pair or a SIMD group have similar lengths). A call handles rows [from, to) of that order, so
;; threads can share one memory and split the rows.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The i32 at index $row of the array at byte address $bp (row starts, row ends).
  (func $bound (param $bp i32) (param $row i32) (result i32)
    (i32.load (i32.add (local.get $bp) (i32.shl (local.get $row) (i32.const 2)))))

  ;; bootstrap[row]
  (func $boot (param $bsp i32) (param $row i32) (result f32)
    (f32.load (i32.add (local.get $bsp) (i32.shl (local.get $row) (i32.const 2)))))

  ;; One row's GAE recursion from position $t down to $start, from the state after $t
  ;; (next value $nv, next advantage $na). Returns f32 0 when every advantage is finite and every
  ;; done is 0 or 1, NaN otherwise.
  (func $gaeTail
    (param $rp i32) (param $vp i32) (param $dp i32) (param $ap i32) (param $retp i32)
    (param $t i32) (param $start i32) (param $nv f32) (param $na f32) (param $g f32) (param $gl f32)
    (result f32)
    (local $finite f32) (local $flags i32) (local $done i32) (local $o i32)
    (local $nt f32) (local $v f32) (local $a f32)
    (block $exit
      (loop $step
        (br_if $exit (i32.lt_s (local.get $t) (local.get $start)))
        (local.set $done (i32.load8_u (i32.add (local.get $dp) (local.get $t))))
        (local.set $nt (f32.convert_i32_s (i32.sub (i32.const 1) (local.get $done))))
        (local.set $o (i32.shl (local.get $t) (i32.const 2)))
        (local.set $v (f32.load (i32.add (local.get $vp) (local.get $o))))
        ;; delta = (r + (γ·nextV)·nt) − V ; A = delta + (γλ·nt)·nextA
        (local.set $a
          (f32.add
            (f32.sub
              (f32.add
                (f32.load (i32.add (local.get $rp) (local.get $o)))
                (f32.mul (f32.mul (local.get $g) (local.get $nv)) (local.get $nt)))
              (local.get $v))
            (f32.mul (f32.mul (local.get $gl) (local.get $nt)) (local.get $na))))
        (f32.store (i32.add (local.get $ap) (local.get $o)) (local.get $a))
        (f32.store (i32.add (local.get $retp) (local.get $o)) (f32.add (local.get $a) (local.get $v)))
        (local.set $finite (f32.add (local.get $finite) (f32.mul (local.get $a) (f32.const 0))))
        (local.set $flags (i32.or (local.get $flags) (local.get $done)))
        (local.set $nv (local.get $v))
        (local.set $na (local.get $a))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (br $step)))
    (select
      (local.get $finite)
      (f32.const nan)
      (i32.eqz (i32.and (local.get $flags) (i32.const -2)))))

  ;; GAE without a mask over rows [from, to): rows two at a time (their common suffix in one loop,
  ;; two independent dependency chains), then the longer row's rest, as `gaeRows` does. Returns 1
  ;; when every advantage is finite and every done is 0 or 1, else 0.
  (func $gae (export "gae")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $bsp i32) (param $sp i32) (param $ep i32)
    (param $ap i32) (param $retp i32) (param $from i32) (param $to i32) (param $g f32) (param $gl f32)
    (result i32)
    (local $row i32) (local $n i32) (local $finite f32) (local $flags i32)
    (local $start0 i32) (local $start1 i32)
    (local $t0 i32) (local $done0 i32) (local $o0 i32) (local $nt0 f32) (local $v0 f32) (local $a0 f32) (local $nv0 f32) (local $na0 f32)
    (local $t1 i32) (local $done1 i32) (local $o1 i32) (local $nt1 f32) (local $v1 f32) (local $a1 f32) (local $nv1 f32) (local $na1 f32)
    (local.set $row (local.get $from))
    (block $pairsDone
      (loop $pair
        (br_if $pairsDone (i32.ge_s (i32.add (local.get $row) (i32.const 1)) (local.get $to)))
        (local.set $start0 (call $bound (local.get $sp) (local.get $row)))
        (local.set $start1 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $t0 (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1)))
        (local.set $t1
          (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $nv0 (call $boot (local.get $bsp) (local.get $row)))
        (local.set $nv1 (call $boot (local.get $bsp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $na0 (f32.const 0))
        (local.set $na1 (f32.const 0))
        ;; n = min(length0, length1)
        (local.set $n (i32.sub (i32.add (local.get $t0) (i32.const 1)) (local.get $start0)))
        (if (i32.lt_s (i32.sub (i32.add (local.get $t1) (i32.const 1)) (local.get $start1)) (local.get $n))
          (then (local.set $n (i32.sub (i32.add (local.get $t1) (i32.const 1)) (local.get $start1)))))
        (block $commonDone
          (loop $step
            (br_if $commonDone (i32.le_s (local.get $n) (i32.const 0)))
            (local.set $done0 (i32.load8_u (i32.add (local.get $dp) (local.get $t0))))
            (local.set $done1 (i32.load8_u (i32.add (local.get $dp) (local.get $t1))))
            (local.set $nt0 (f32.convert_i32_s (i32.sub (i32.const 1) (local.get $done0))))
            (local.set $nt1 (f32.convert_i32_s (i32.sub (i32.const 1) (local.get $done1))))
            (local.set $o0 (i32.shl (local.get $t0) (i32.const 2)))
            (local.set $o1 (i32.shl (local.get $t1) (i32.const 2)))
            (local.set $v0 (f32.load (i32.add (local.get $vp) (local.get $o0))))
            (local.set $v1 (f32.load (i32.add (local.get $vp) (local.get $o1))))
            (local.set $a0
              (f32.add
                (f32.sub
                  (f32.add
                    (f32.load (i32.add (local.get $rp) (local.get $o0)))
                    (f32.mul (f32.mul (local.get $g) (local.get $nv0)) (local.get $nt0)))
                  (local.get $v0))
                (f32.mul (f32.mul (local.get $gl) (local.get $nt0)) (local.get $na0))))
            (local.set $a1
              (f32.add
                (f32.sub
                  (f32.add
                    (f32.load (i32.add (local.get $rp) (local.get $o1)))
                    (f32.mul (f32.mul (local.get $g) (local.get $nv1)) (local.get $nt1)))
                  (local.get $v1))
                (f32.mul (f32.mul (local.get $gl) (local.get $nt1)) (local.get $na1))))
            (f32.store (i32.add (local.get $ap) (local.get $o0)) (local.get $a0))
            (f32.store (i32.add (local.get $ap) (local.get $o1)) (local.get $a1))
            (f32.store (i32.add (local.get $retp) (local.get $o0)) (f32.add (local.get $a0) (local.get $v0)))
            (f32.store (i32.add (local.get $retp) (local.get $o1)) (f32.add (local.get $a1) (local.get $v1)))
            (local.set $finite
              (f32.add
                (local.get $finite)
                (f32.add (f32.mul (local.get $a0) (f32.const 0)) (f32.mul (local.get $a1) (f32.const 0)))))
            (local.set $flags (i32.or (local.get $flags) (i32.or (local.get $done0) (local.get $done1))))
            (local.set $nv0 (local.get $v0))
            (local.set $nv1 (local.get $v1))
            (local.set $na0 (local.get $a0))
            (local.set $na1 (local.get $a1))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 1)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $step)))
        ;; the longer row's remaining prefix, continuing its own recursion
        (local.set $finite
          (f32.add
            (local.get $finite)
            (if (result f32) (i32.ge_s (local.get $t0) (local.get $start0))
              (then
                (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
                  (local.get $t0) (local.get $start0) (local.get $nv0) (local.get $na0) (local.get $g) (local.get $gl)))
              (else
                (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
                  (local.get $t1) (local.get $start1) (local.get $nv1) (local.get $na1) (local.get $g) (local.get $gl))))))
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pair)))
    ;; an odd last row
    (if (i32.lt_s (local.get $row) (local.get $to))
      (then
        (local.set $finite
          (f32.add
            (local.get $finite)
            (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
              (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1))
              (call $bound (local.get $sp) (local.get $row))
              (call $boot (local.get $bsp) (local.get $row))
              (f32.const 0) (local.get $g) (local.get $gl))))))
    (i32.and
      (f32.eq (local.get $finite) (f32.const 0))
      (i32.eqz (i32.and (local.get $flags) (i32.const -2)))))

  ;; GAE with a 'skip' mask (`gaeRowsSkip`): positions with mask ≠ 1 get A = R = 0 and are
  ;; transparent; a done on them still cuts the link. Inputs were checked up front. This is one
  ;; row's recursion from position $t down to $start, from the state after $t (next value $nv,
  ;; next advantage $na; $linked is 0 when a done was passed since the last valid position).
  (func $gaeSkipTail
    (param $rp i32) (param $vp i32) (param $dp i32) (param $mp i32) (param $ap i32) (param $retp i32)
    (param $t i32) (param $start i32) (param $nv f32) (param $na f32) (param $linked f32)
    (param $g f32) (param $gl f32)
    (local $o i32) (local $v f32) (local $a f32)
    (block $rowDone
      (loop $step
        (br_if $rowDone (i32.lt_s (local.get $t) (local.get $start)))
        (local.set $o (i32.shl (local.get $t) (i32.const 2)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $dp) (local.get $t))) (i32.const 1))
          (then (local.set $linked (f32.const 0))))
        (if (i32.ne (i32.load8_u (i32.add (local.get $mp) (local.get $t))) (i32.const 1))
          (then
            (f32.store (i32.add (local.get $ap) (local.get $o)) (f32.const 0))
            (f32.store (i32.add (local.get $retp) (local.get $o)) (f32.const 0)))
          (else
            (local.set $v (f32.load (i32.add (local.get $vp) (local.get $o))))
            (local.set $a
              (f32.add
                (f32.sub
                  (f32.add
                    (f32.load (i32.add (local.get $rp) (local.get $o)))
                    (f32.mul (f32.mul (local.get $g) (local.get $nv)) (local.get $linked)))
                  (local.get $v))
                (f32.mul (f32.mul (local.get $gl) (local.get $linked)) (local.get $na))))
            (f32.store (i32.add (local.get $ap) (local.get $o)) (local.get $a))
            (f32.store (i32.add (local.get $retp) (local.get $o)) (f32.add (local.get $a) (local.get $v)))
            (local.set $nv (local.get $v))
            (local.set $na (local.get $a))
            (local.set $linked (f32.const 1))))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (br $step))))

  ;; 'skip'-mask GAE over rows [from, to).
  (func $gaeSkip (export "gaeSkip")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $mp i32) (param $bsp i32) (param $sp i32) (param $ep i32)
    (param $ap i32) (param $retp i32) (param $from i32) (param $to i32) (param $g f32) (param $gl f32)
    (local $row i32)
    (local.set $row (local.get $from))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $to)))
        (call $gaeSkipTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp)
          (local.get $ap) (local.get $retp)
          (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1))
          (call $bound (local.get $sp) (local.get $row))
          (call $boot (local.get $bsp) (local.get $row))
          (f32.const 0) (f32.const 1) (local.get $g) (local.get $gl))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $nextRow))))

  ;; Discounted returns (`returnRows`): G_t = r_t + (γ·G_{t+1})·nt, G after the last = bootstrap.
  ;; Rows two at a time over their common suffix, like "gae".
  (func $returnsTail
    (param $rp i32) (param $dp i32) (param $outp i32)
    (param $t i32) (param $start i32) (param $next f32) (param $g f32)
    (local $o i32)
    (block $exit
      (loop $step
        (br_if $exit (i32.lt_s (local.get $t) (local.get $start)))
        (local.set $o (i32.shl (local.get $t) (i32.const 2)))
        (local.set $next
          (f32.add
            (f32.load (i32.add (local.get $rp) (local.get $o)))
            (f32.mul
              (f32.mul (local.get $g) (local.get $next))
              (f32.convert_i32_s
                (i32.sub (i32.const 1) (i32.load8_u (i32.add (local.get $dp) (local.get $t))))))))
        (f32.store (i32.add (local.get $outp) (local.get $o)) (local.get $next))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (br $step))))

  (func $returns (export "returns")
    (param $rp i32) (param $dp i32) (param $bsp i32) (param $sp i32) (param $ep i32) (param $outp i32)
    (param $from i32) (param $to i32) (param $g f32)
    (local $row i32) (local $n i32) (local $start0 i32) (local $start1 i32)
    (local $t0 i32) (local $t1 i32) (local $o0 i32) (local $o1 i32) (local $next0 f32) (local $next1 f32)
    (local.set $row (local.get $from))
    (block $pairsDone
      (loop $pair
        (br_if $pairsDone (i32.ge_s (i32.add (local.get $row) (i32.const 1)) (local.get $to)))
        (local.set $start0 (call $bound (local.get $sp) (local.get $row)))
        (local.set $start1 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $t0 (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1)))
        (local.set $t1
          (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $next0 (call $boot (local.get $bsp) (local.get $row)))
        (local.set $next1 (call $boot (local.get $bsp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $n (i32.sub (i32.add (local.get $t0) (i32.const 1)) (local.get $start0)))
        (if (i32.lt_s (i32.sub (i32.add (local.get $t1) (i32.const 1)) (local.get $start1)) (local.get $n))
          (then (local.set $n (i32.sub (i32.add (local.get $t1) (i32.const 1)) (local.get $start1)))))
        (block $commonDone
          (loop $step
            (br_if $commonDone (i32.le_s (local.get $n) (i32.const 0)))
            (local.set $o0 (i32.shl (local.get $t0) (i32.const 2)))
            (local.set $o1 (i32.shl (local.get $t1) (i32.const 2)))
            (local.set $next0
              (f32.add
                (f32.load (i32.add (local.get $rp) (local.get $o0)))
                (f32.mul
                  (f32.mul (local.get $g) (local.get $next0))
                  (f32.convert_i32_s
                    (i32.sub (i32.const 1) (i32.load8_u (i32.add (local.get $dp) (local.get $t0))))))))
            (local.set $next1
              (f32.add
                (f32.load (i32.add (local.get $rp) (local.get $o1)))
                (f32.mul
                  (f32.mul (local.get $g) (local.get $next1))
                  (f32.convert_i32_s
                    (i32.sub (i32.const 1) (i32.load8_u (i32.add (local.get $dp) (local.get $t1))))))))
            (f32.store (i32.add (local.get $outp) (local.get $o0)) (local.get $next0))
            (f32.store (i32.add (local.get $outp) (local.get $o1)) (local.get $next1))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 1)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $step)))
        (if (i32.ge_s (local.get $t0) (local.get $start0))
          (then
            (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
              (local.get $t0) (local.get $start0) (local.get $next0) (local.get $g)))
          (else
            (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
              (local.get $t1) (local.get $start1) (local.get $next1) (local.get $g))))
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pair)))
    (if (i32.lt_s (local.get $row) (local.get $to))
      (then
        (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
          (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1))
          (call $bound (local.get $sp) (local.get $row))
          (call $boot (local.get $bsp) (local.get $row))
          (local.get $g)))))

  ;; <simd>
  ;; The shortest of four rows' lengths, from their starts and last positions (length = t + 1 − s).
  (func $shortest
    (param $s0 i32) (param $t0 i32) (param $s1 i32) (param $t1 i32)
    (param $s2 i32) (param $t2 i32) (param $s3 i32) (param $t3 i32)
    (result i32)
    (local $n i32) (local $m i32)
    (local.set $n (i32.sub (i32.add (local.get $t0) (i32.const 1)) (local.get $s0)))
    (local.set $m (i32.sub (i32.add (local.get $t1) (i32.const 1)) (local.get $s1)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (local.set $m (i32.sub (i32.add (local.get $t2) (i32.const 1)) (local.get $s2)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (local.set $m (i32.sub (i32.add (local.get $t3) (i32.const 1)) (local.get $s3)))
    (if (i32.lt_s (local.get $m) (local.get $n)) (then (local.set $n (local.get $m))))
    (local.get $n))

  ;; GAE without a mask, four rows at a time in f32x4 lanes (WebAssembly SIMD; the module is built
  ;; twice, with and without this section). The lanes perform "gae"'s f32 operations in its order,
  ;; so the bits are the same. Over the four rows' common suffix, blocks of four positions per row
  ;; are loaded as one v128 each and transposed, so that lane k holds row k; the remaining steps of
  ;; the suffix move single lanes, and each row's longer prefix finishes in $gaeTail. Rows left
  ;; over (fewer than four) go to $gae. Returns 1 when every advantage is finite and every done is
  ;; 0 or 1, else 0.
  (func (export "gaeSimd")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $bsp i32) (param $sp i32) (param $ep i32)
    (param $ap i32) (param $retp i32) (param $from i32) (param $to i32) (param $g f32) (param $gl f32)
    (result i32)
    (local $row i32) (local $n i32) (local $ok i32) (local $tails f32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $g4 v128) (local $gl4 v128) (local $one v128) (local $zero v128)
    (local $nv v128) (local $na v128) (local $nt v128) (local $dd v128) (local $finite v128) (local $flags v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $g4 (f32x4.splat (local.get $g)))
    (local.set $gl4 (f32x4.splat (local.get $gl)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $ok (i32.const 1))
    (local.set $row (local.get $from))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $to)))
        (local.set $s0 (call $bound (local.get $sp) (local.get $row)))
        (local.set $s1 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $s2 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 2))))
        (local.set $s3 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 3))))
        (local.set $t0 (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1)))
        (local.set $t1 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $t2 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 2))) (i32.const 1)))
        (local.set $t3 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 3))) (i32.const 1)))
        ;; t_k = row k's last position
        (local.set $n
          (call $shortest
            (local.get $s0) (local.get $t0) (local.get $s1) (local.get $t1)
            (local.get $s2) (local.get $t2) (local.get $s3) (local.get $t3)))
        ;; the bootstrap values of the four rows are consecutive
        (local.set $nv (v128.load (i32.add (local.get $bsp) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $na (local.get $zero))
        ;; blocks of four positions per row
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.lt_s (local.get $n) (i32.const 4)))
            (local.set $o0 (i32.shl (i32.sub (local.get $t0) (i32.const 3)) (i32.const 2)))
            (local.set $o1 (i32.shl (i32.sub (local.get $t1) (i32.const 3)) (i32.const 2)))
            (local.set $o2 (i32.shl (i32.sub (local.get $t2) (i32.const 3)) (i32.const 2)))
            (local.set $o3 (i32.shl (i32.sub (local.get $t3) (i32.const 3)) (i32.const 2)))
            (local.set $x0 (v128.load align=4 (i32.add (local.get $rp) (local.get $o0))))
            (local.set $x1 (v128.load align=4 (i32.add (local.get $rp) (local.get $o1))))
            (local.set $x2 (v128.load align=4 (i32.add (local.get $rp) (local.get $o2))))
            (local.set $x3 (v128.load align=4 (i32.add (local.get $rp) (local.get $o3))))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $r0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $r1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $r2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $r3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (local.set $x0 (v128.load align=4 (i32.add (local.get $vp) (local.get $o0))))
            (local.set $x1 (v128.load align=4 (i32.add (local.get $vp) (local.get $o1))))
            (local.set $x2 (v128.load align=4 (i32.add (local.get $vp) (local.get $o2))))
            (local.set $x3 (v128.load align=4 (i32.add (local.get $vp) (local.get $o3))))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $v0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $v1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $v2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $v3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            ;; dones: bytes 4k..4k+3 are row k's four positions
            (local.set $dd (v128.load32_zero (i32.add (local.get $dp) (i32.sub (local.get $t0) (i32.const 3)))))
            (local.set $dd (v128.load32_lane 1 (i32.add (local.get $dp) (i32.sub (local.get $t1) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 2 (i32.add (local.get $dp) (i32.sub (local.get $t2) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 3 (i32.add (local.get $dp) (i32.sub (local.get $t3) (i32.const 3))) (local.get $dd)))
            (local.set $flags (v128.or (local.get $flags) (local.get $dd)))
            (local.set $nt (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 3 16 16 16 7 16 16 16 11 16 16 16 15 16 16 16 (local.get $dd) (local.get $zero)))))
            (local.set $a3
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r3) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $nt)))
                  (local.get $v3))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $nt)) (local.get $na))))
            (local.set $nv (local.get $v3))
            (local.set $na (local.get $a3))
            (local.set $finite (v128.or (local.get $finite) (f32x4.sub (local.get $a3) (local.get $a3))))
            (local.set $nt (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $dd) (local.get $zero)))))
            (local.set $a2
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r2) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $nt)))
                  (local.get $v2))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $nt)) (local.get $na))))
            (local.set $nv (local.get $v2))
            (local.set $na (local.get $a2))
            (local.set $finite (v128.or (local.get $finite) (f32x4.sub (local.get $a2) (local.get $a2))))
            (local.set $nt (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $dd) (local.get $zero)))))
            (local.set $a1
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r1) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $nt)))
                  (local.get $v1))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $nt)) (local.get $na))))
            (local.set $nv (local.get $v1))
            (local.set $na (local.get $a1))
            (local.set $finite (v128.or (local.get $finite) (f32x4.sub (local.get $a1) (local.get $a1))))
            (local.set $nt (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $dd) (local.get $zero)))))
            (local.set $a0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r0) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $nt)))
                  (local.get $v0))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $nt)) (local.get $na))))
            (local.set $nv (local.get $v0))
            (local.set $na (local.get $a0))
            (local.set $finite (v128.or (local.get $finite) (f32x4.sub (local.get $a0) (local.get $a0))))
            ;; advantages and returns back to rows
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
            (local.set $x0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $x1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $x2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $x3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o0)) (local.get $x0))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o1)) (local.get $x1))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o2)) (local.get $x2))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o3)) (local.get $x3))
            (local.set $a0 (f32x4.add (local.get $a0) (local.get $v0)))
            (local.set $a1 (f32x4.add (local.get $a1) (local.get $v1)))
            (local.set $a2 (f32x4.add (local.get $a2) (local.get $v2)))
            (local.set $a3 (f32x4.add (local.get $a3) (local.get $v3)))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
            (local.set $x0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $x1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $x2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $x3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o0)) (local.get $x0))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o1)) (local.get $x1))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o2)) (local.get $x2))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o3)) (local.get $x3))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 4)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 4)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 4)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 4)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
            (br $block)))
        ;; the suffix's last (n < 4) steps, one lane per row
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.eqz (local.get $n)))
            (local.set $o0 (i32.shl (local.get $t0) (i32.const 2)))
            (local.set $o1 (i32.shl (local.get $t1) (i32.const 2)))
            (local.set $o2 (i32.shl (local.get $t2) (i32.const 2)))
            (local.set $o3 (i32.shl (local.get $t3) (i32.const 2)))
            (local.set $r0 (v128.load32_zero (i32.add (local.get $rp) (local.get $o0))))
            (local.set $r0 (v128.load32_lane 1 (i32.add (local.get $rp) (local.get $o1)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 2 (i32.add (local.get $rp) (local.get $o2)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 3 (i32.add (local.get $rp) (local.get $o3)) (local.get $r0)))
            (local.set $v0 (v128.load32_zero (i32.add (local.get $vp) (local.get $o0))))
            (local.set $v0 (v128.load32_lane 1 (i32.add (local.get $vp) (local.get $o1)) (local.get $v0)))
            (local.set $v0 (v128.load32_lane 2 (i32.add (local.get $vp) (local.get $o2)) (local.get $v0)))
            (local.set $v0 (v128.load32_lane 3 (i32.add (local.get $vp) (local.get $o3)) (local.get $v0)))
            (local.set $dd (i32x4.splat (i32.load8_u (i32.add (local.get $dp) (local.get $t0)))))
            (local.set $dd (i32x4.replace_lane 1 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t1)))))
            (local.set $dd (i32x4.replace_lane 2 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t2)))))
            (local.set $dd (i32x4.replace_lane 3 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t3)))))
            (local.set $flags (v128.or (local.get $flags) (local.get $dd)))
            (local.set $nt (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (local.get $dd))))
            (local.set $a0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r0) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $nt)))
                  (local.get $v0))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $nt)) (local.get $na))))
            (local.set $nv (local.get $v0))
            (local.set $na (local.get $a0))
            (local.set $finite (v128.or (local.get $finite) (f32x4.sub (local.get $a0) (local.get $a0))))
            (local.set $x0 (f32x4.add (local.get $a0) (local.get $v0)))
            (v128.store32_lane 0 (i32.add (local.get $ap) (local.get $o0)) (local.get $a0))
            (v128.store32_lane 1 (i32.add (local.get $ap) (local.get $o1)) (local.get $a0))
            (v128.store32_lane 2 (i32.add (local.get $ap) (local.get $o2)) (local.get $a0))
            (v128.store32_lane 3 (i32.add (local.get $ap) (local.get $o3)) (local.get $a0))
            (v128.store32_lane 0 (i32.add (local.get $retp) (local.get $o0)) (local.get $x0))
            (v128.store32_lane 1 (i32.add (local.get $retp) (local.get $o1)) (local.get $x0))
            (v128.store32_lane 2 (i32.add (local.get $retp) (local.get $o2)) (local.get $x0))
            (v128.store32_lane 3 (i32.add (local.get $retp) (local.get $o3)) (local.get $x0))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 1)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 1)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 1)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $step)))
        ;; each row's remaining prefix, continuing its own recursion
        (local.set $tails
          (f32.add
            (local.get $tails)
            (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
              (local.get $t0) (local.get $s0)
              (f32x4.extract_lane 0 (local.get $nv)) (f32x4.extract_lane 0 (local.get $na))
              (local.get $g) (local.get $gl))))
        (local.set $tails
          (f32.add
            (local.get $tails)
            (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
              (local.get $t1) (local.get $s1)
              (f32x4.extract_lane 1 (local.get $nv)) (f32x4.extract_lane 1 (local.get $na))
              (local.get $g) (local.get $gl))))
        (local.set $tails
          (f32.add
            (local.get $tails)
            (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
              (local.get $t2) (local.get $s2)
              (f32x4.extract_lane 2 (local.get $nv)) (f32x4.extract_lane 2 (local.get $na))
              (local.get $g) (local.get $gl))))
        (local.set $tails
          (f32.add
            (local.get $tails)
            (call $gaeTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $ap) (local.get $retp)
              (local.get $t3) (local.get $s3)
              (f32x4.extract_lane 3 (local.get $nv)) (f32x4.extract_lane 3 (local.get $na))
              (local.get $g) (local.get $gl))))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $group)))
    ;; fewer than four rows left
    (if (i32.lt_s (local.get $row) (local.get $to))
      (then
        (local.set $ok
          (call $gae (local.get $rp) (local.get $vp) (local.get $dp) (local.get $bsp) (local.get $sp) (local.get $ep)
            (local.get $ap) (local.get $retp) (local.get $row) (local.get $to) (local.get $g) (local.get $gl)))))
    ;; a − a is +0 for a finite a and NaN otherwise; a done other than 0 or 1 has a bit of 0xFE
    (i32.and
      (i32.and (local.get $ok) (f32.eq (local.get $tails) (f32.const 0)))
      (i32.eqz
        (v128.any_true
          (v128.or
            (local.get $finite)
            (v128.and (local.get $flags) (i8x16.splat (i32.const 0xFE))))))))

  ;; 'skip'-mask GAE four rows at a time, like "gaeSimd". Each lane computes every position and
  ;; keeps the result only where its mask is 1 (v128.bitselect), so the kept lanes see "gaeSkip"'s
  ;; operations and state; masked-out positions get +0, as there. Rows left over go to $gaeSkip.
  (func (export "gaeSkipSimd")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $mp i32) (param $bsp i32) (param $sp i32) (param $ep i32)
    (param $ap i32) (param $retp i32) (param $from i32) (param $to i32) (param $g f32) (param $gl f32)
    (local $row i32) (local $n i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $g4 v128) (local $gl4 v128) (local $one v128) (local $onef v128) (local $zero v128)
    (local $nv v128) (local $na v128) (local $linked v128) (local $valid v128) (local $dd v128) (local $mm v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)
    (local.set $g4 (f32x4.splat (local.get $g)))
    (local.set $gl4 (f32x4.splat (local.get $gl)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $onef (f32x4.splat (f32.const 1)))
    (local.set $row (local.get $from))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $to)))
        (local.set $s0 (call $bound (local.get $sp) (local.get $row)))
        (local.set $s1 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $s2 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 2))))
        (local.set $s3 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 3))))
        (local.set $t0 (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1)))
        (local.set $t1 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $t2 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 2))) (i32.const 1)))
        (local.set $t3 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 3))) (i32.const 1)))
        (local.set $n
          (call $shortest
            (local.get $s0) (local.get $t0) (local.get $s1) (local.get $t1)
            (local.get $s2) (local.get $t2) (local.get $s3) (local.get $t3)))
        (local.set $nv (v128.load (i32.add (local.get $bsp) (i32.shl (local.get $row) (i32.const 2)))))
        (local.set $na (local.get $zero))
        (local.set $linked (local.get $onef))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.lt_s (local.get $n) (i32.const 4)))
            (local.set $o0 (i32.shl (i32.sub (local.get $t0) (i32.const 3)) (i32.const 2)))
            (local.set $o1 (i32.shl (i32.sub (local.get $t1) (i32.const 3)) (i32.const 2)))
            (local.set $o2 (i32.shl (i32.sub (local.get $t2) (i32.const 3)) (i32.const 2)))
            (local.set $o3 (i32.shl (i32.sub (local.get $t3) (i32.const 3)) (i32.const 2)))
            (local.set $x0 (v128.load align=4 (i32.add (local.get $rp) (local.get $o0))))
            (local.set $x1 (v128.load align=4 (i32.add (local.get $rp) (local.get $o1))))
            (local.set $x2 (v128.load align=4 (i32.add (local.get $rp) (local.get $o2))))
            (local.set $x3 (v128.load align=4 (i32.add (local.get $rp) (local.get $o3))))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $r0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $r1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $r2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $r3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (local.set $x0 (v128.load align=4 (i32.add (local.get $vp) (local.get $o0))))
            (local.set $x1 (v128.load align=4 (i32.add (local.get $vp) (local.get $o1))))
            (local.set $x2 (v128.load align=4 (i32.add (local.get $vp) (local.get $o2))))
            (local.set $x3 (v128.load align=4 (i32.add (local.get $vp) (local.get $o3))))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $v0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $v1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $v2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $v3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (local.set $dd (v128.load32_zero (i32.add (local.get $dp) (i32.sub (local.get $t0) (i32.const 3)))))
            (local.set $dd (v128.load32_lane 1 (i32.add (local.get $dp) (i32.sub (local.get $t1) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 2 (i32.add (local.get $dp) (i32.sub (local.get $t2) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 3 (i32.add (local.get $dp) (i32.sub (local.get $t3) (i32.const 3))) (local.get $dd)))
            (local.set $mm (v128.load32_zero (i32.add (local.get $mp) (i32.sub (local.get $t0) (i32.const 3)))))
            (local.set $mm (v128.load32_lane 1 (i32.add (local.get $mp) (i32.sub (local.get $t1) (i32.const 3))) (local.get $mm)))
            (local.set $mm (v128.load32_lane 2 (i32.add (local.get $mp) (i32.sub (local.get $t2) (i32.const 3))) (local.get $mm)))
            (local.set $mm (v128.load32_lane 3 (i32.add (local.get $mp) (i32.sub (local.get $t3) (i32.const 3))) (local.get $mm)))
            (local.set $linked (v128.bitselect (local.get $zero) (local.get $linked) (i32x4.eq (i8x16.shuffle 3 16 16 16 7 16 16 16 11 16 16 16 15 16 16 16 (local.get $dd) (local.get $zero)) (local.get $one))))
            (local.set $valid (i32x4.eq (i8x16.shuffle 3 16 16 16 7 16 16 16 11 16 16 16 15 16 16 16 (local.get $mm) (local.get $zero)) (local.get $one)))
            (local.set $x0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r3) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $linked)))
                  (local.get $v3))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $linked)) (local.get $na))))
            (local.set $a3 (v128.and (local.get $x0) (local.get $valid)))
            (local.set $e3 (v128.and (f32x4.add (local.get $x0) (local.get $v3)) (local.get $valid)))
            (local.set $nv (v128.bitselect (local.get $v3) (local.get $nv) (local.get $valid)))
            (local.set $na (v128.bitselect (local.get $x0) (local.get $na) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $onef) (local.get $linked) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $zero) (local.get $linked) (i32x4.eq (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $dd) (local.get $zero)) (local.get $one))))
            (local.set $valid (i32x4.eq (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $mm) (local.get $zero)) (local.get $one)))
            (local.set $x0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r2) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $linked)))
                  (local.get $v2))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $linked)) (local.get $na))))
            (local.set $a2 (v128.and (local.get $x0) (local.get $valid)))
            (local.set $e2 (v128.and (f32x4.add (local.get $x0) (local.get $v2)) (local.get $valid)))
            (local.set $nv (v128.bitselect (local.get $v2) (local.get $nv) (local.get $valid)))
            (local.set $na (v128.bitselect (local.get $x0) (local.get $na) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $onef) (local.get $linked) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $zero) (local.get $linked) (i32x4.eq (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $dd) (local.get $zero)) (local.get $one))))
            (local.set $valid (i32x4.eq (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $mm) (local.get $zero)) (local.get $one)))
            (local.set $x0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r1) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $linked)))
                  (local.get $v1))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $linked)) (local.get $na))))
            (local.set $a1 (v128.and (local.get $x0) (local.get $valid)))
            (local.set $e1 (v128.and (f32x4.add (local.get $x0) (local.get $v1)) (local.get $valid)))
            (local.set $nv (v128.bitselect (local.get $v1) (local.get $nv) (local.get $valid)))
            (local.set $na (v128.bitselect (local.get $x0) (local.get $na) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $onef) (local.get $linked) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $zero) (local.get $linked) (i32x4.eq (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $dd) (local.get $zero)) (local.get $one))))
            (local.set $valid (i32x4.eq (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $mm) (local.get $zero)) (local.get $one)))
            (local.set $x0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r0) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $linked)))
                  (local.get $v0))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $linked)) (local.get $na))))
            (local.set $a0 (v128.and (local.get $x0) (local.get $valid)))
            (local.set $e0 (v128.and (f32x4.add (local.get $x0) (local.get $v0)) (local.get $valid)))
            (local.set $nv (v128.bitselect (local.get $v0) (local.get $nv) (local.get $valid)))
            (local.set $na (v128.bitselect (local.get $x0) (local.get $na) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $onef) (local.get $linked) (local.get $valid)))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
            (local.set $x0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $x1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $x2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $x3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o0)) (local.get $x0))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o1)) (local.get $x1))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o2)) (local.get $x2))
            (v128.store align=4 (i32.add (local.get $ap) (local.get $o3)) (local.get $x3))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e0) (local.get $e1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e0) (local.get $e1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e2) (local.get $e3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e2) (local.get $e3)))
            (local.set $x0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $x1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $x2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $x3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o0)) (local.get $x0))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o1)) (local.get $x1))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o2)) (local.get $x2))
            (v128.store align=4 (i32.add (local.get $retp) (local.get $o3)) (local.get $x3))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 4)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 4)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 4)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 4)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
            (br $block)))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.eqz (local.get $n)))
            (local.set $o0 (i32.shl (local.get $t0) (i32.const 2)))
            (local.set $o1 (i32.shl (local.get $t1) (i32.const 2)))
            (local.set $o2 (i32.shl (local.get $t2) (i32.const 2)))
            (local.set $o3 (i32.shl (local.get $t3) (i32.const 2)))
            (local.set $r0 (v128.load32_zero (i32.add (local.get $rp) (local.get $o0))))
            (local.set $r0 (v128.load32_lane 1 (i32.add (local.get $rp) (local.get $o1)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 2 (i32.add (local.get $rp) (local.get $o2)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 3 (i32.add (local.get $rp) (local.get $o3)) (local.get $r0)))
            (local.set $v0 (v128.load32_zero (i32.add (local.get $vp) (local.get $o0))))
            (local.set $v0 (v128.load32_lane 1 (i32.add (local.get $vp) (local.get $o1)) (local.get $v0)))
            (local.set $v0 (v128.load32_lane 2 (i32.add (local.get $vp) (local.get $o2)) (local.get $v0)))
            (local.set $v0 (v128.load32_lane 3 (i32.add (local.get $vp) (local.get $o3)) (local.get $v0)))
            (local.set $dd (i32x4.splat (i32.load8_u (i32.add (local.get $dp) (local.get $t0)))))
            (local.set $dd (i32x4.replace_lane 1 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t1)))))
            (local.set $dd (i32x4.replace_lane 2 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t2)))))
            (local.set $dd (i32x4.replace_lane 3 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t3)))))
            (local.set $mm (i32x4.splat (i32.load8_u (i32.add (local.get $mp) (local.get $t0)))))
            (local.set $mm (i32x4.replace_lane 1 (local.get $mm) (i32.load8_u (i32.add (local.get $mp) (local.get $t1)))))
            (local.set $mm (i32x4.replace_lane 2 (local.get $mm) (i32.load8_u (i32.add (local.get $mp) (local.get $t2)))))
            (local.set $mm (i32x4.replace_lane 3 (local.get $mm) (i32.load8_u (i32.add (local.get $mp) (local.get $t3)))))
            (local.set $linked (v128.bitselect (local.get $zero) (local.get $linked) (i32x4.eq (local.get $dd) (local.get $one))))
            (local.set $valid (i32x4.eq (local.get $mm) (local.get $one)))
            (local.set $x0
              (f32x4.add
                (f32x4.sub
                  (f32x4.add (local.get $r0) (f32x4.mul (f32x4.mul (local.get $g4) (local.get $nv)) (local.get $linked)))
                  (local.get $v0))
                (f32x4.mul (f32x4.mul (local.get $gl4) (local.get $linked)) (local.get $na))))
            (local.set $a0 (v128.and (local.get $x0) (local.get $valid)))
            (local.set $e0 (v128.and (f32x4.add (local.get $x0) (local.get $v0)) (local.get $valid)))
            (local.set $nv (v128.bitselect (local.get $v0) (local.get $nv) (local.get $valid)))
            (local.set $na (v128.bitselect (local.get $x0) (local.get $na) (local.get $valid)))
            (local.set $linked (v128.bitselect (local.get $onef) (local.get $linked) (local.get $valid)))
            (v128.store32_lane 0 (i32.add (local.get $ap) (local.get $o0)) (local.get $a0))
            (v128.store32_lane 1 (i32.add (local.get $ap) (local.get $o1)) (local.get $a0))
            (v128.store32_lane 2 (i32.add (local.get $ap) (local.get $o2)) (local.get $a0))
            (v128.store32_lane 3 (i32.add (local.get $ap) (local.get $o3)) (local.get $a0))
            (v128.store32_lane 0 (i32.add (local.get $retp) (local.get $o0)) (local.get $e0))
            (v128.store32_lane 1 (i32.add (local.get $retp) (local.get $o1)) (local.get $e0))
            (v128.store32_lane 2 (i32.add (local.get $retp) (local.get $o2)) (local.get $e0))
            (v128.store32_lane 3 (i32.add (local.get $retp) (local.get $o3)) (local.get $e0))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 1)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 1)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 1)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $step)))
        (call $gaeSkipTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp)
          (local.get $ap) (local.get $retp) (local.get $t0) (local.get $s0)
          (f32x4.extract_lane 0 (local.get $nv)) (f32x4.extract_lane 0 (local.get $na))
          (f32x4.extract_lane 0 (local.get $linked)) (local.get $g) (local.get $gl))
        (call $gaeSkipTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp)
          (local.get $ap) (local.get $retp) (local.get $t1) (local.get $s1)
          (f32x4.extract_lane 1 (local.get $nv)) (f32x4.extract_lane 1 (local.get $na))
          (f32x4.extract_lane 1 (local.get $linked)) (local.get $g) (local.get $gl))
        (call $gaeSkipTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp)
          (local.get $ap) (local.get $retp) (local.get $t2) (local.get $s2)
          (f32x4.extract_lane 2 (local.get $nv)) (f32x4.extract_lane 2 (local.get $na))
          (f32x4.extract_lane 2 (local.get $linked)) (local.get $g) (local.get $gl))
        (call $gaeSkipTail (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp)
          (local.get $ap) (local.get $retp) (local.get $t3) (local.get $s3)
          (f32x4.extract_lane 3 (local.get $nv)) (f32x4.extract_lane 3 (local.get $na))
          (f32x4.extract_lane 3 (local.get $linked)) (local.get $g) (local.get $gl))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $group)))
    (if (i32.lt_s (local.get $row) (local.get $to))
      (then
        (call $gaeSkip (local.get $rp) (local.get $vp) (local.get $dp) (local.get $mp) (local.get $bsp)
          (local.get $sp) (local.get $ep) (local.get $ap) (local.get $retp) (local.get $row) (local.get $to)
          (local.get $g) (local.get $gl)))))

  ;; Discounted returns four rows at a time, like "gaeSimd"; rows left over go to $returns.
  (func (export "returnsSimd")
    (param $rp i32) (param $dp i32) (param $bsp i32) (param $sp i32) (param $ep i32) (param $outp i32)
    (param $from i32) (param $to i32) (param $g f32)
    (local $row i32) (local $n i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $g4 v128) (local $one v128) (local $zero v128) (local $next v128) (local $dd v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local.set $g4 (f32x4.splat (local.get $g)))
    (local.set $one (i32x4.splat (i32.const 1)))
    (local.set $row (local.get $from))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $to)))
        (local.set $s0 (call $bound (local.get $sp) (local.get $row)))
        (local.set $s1 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $s2 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 2))))
        (local.set $s3 (call $bound (local.get $sp) (i32.add (local.get $row) (i32.const 3))))
        (local.set $t0 (i32.sub (call $bound (local.get $ep) (local.get $row)) (i32.const 1)))
        (local.set $t1 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $t2 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 2))) (i32.const 1)))
        (local.set $t3 (i32.sub (call $bound (local.get $ep) (i32.add (local.get $row) (i32.const 3))) (i32.const 1)))
        (local.set $n
          (call $shortest
            (local.get $s0) (local.get $t0) (local.get $s1) (local.get $t1)
            (local.get $s2) (local.get $t2) (local.get $s3) (local.get $t3)))
        (local.set $next (v128.load (i32.add (local.get $bsp) (i32.shl (local.get $row) (i32.const 2)))))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.lt_s (local.get $n) (i32.const 4)))
            (local.set $o0 (i32.shl (i32.sub (local.get $t0) (i32.const 3)) (i32.const 2)))
            (local.set $o1 (i32.shl (i32.sub (local.get $t1) (i32.const 3)) (i32.const 2)))
            (local.set $o2 (i32.shl (i32.sub (local.get $t2) (i32.const 3)) (i32.const 2)))
            (local.set $o3 (i32.shl (i32.sub (local.get $t3) (i32.const 3)) (i32.const 2)))
            (local.set $x0 (v128.load align=4 (i32.add (local.get $rp) (local.get $o0))))
            (local.set $x1 (v128.load align=4 (i32.add (local.get $rp) (local.get $o1))))
            (local.set $x2 (v128.load align=4 (i32.add (local.get $rp) (local.get $o2))))
            (local.set $x3 (v128.load align=4 (i32.add (local.get $rp) (local.get $o3))))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $r0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $r1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $r2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $r3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (local.set $dd (v128.load32_zero (i32.add (local.get $dp) (i32.sub (local.get $t0) (i32.const 3)))))
            (local.set $dd (v128.load32_lane 1 (i32.add (local.get $dp) (i32.sub (local.get $t1) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 2 (i32.add (local.get $dp) (i32.sub (local.get $t2) (i32.const 3))) (local.get $dd)))
            (local.set $dd (v128.load32_lane 3 (i32.add (local.get $dp) (i32.sub (local.get $t3) (i32.const 3))) (local.get $dd)))
            (local.set $next
              (f32x4.add (local.get $r3)
                (f32x4.mul (f32x4.mul (local.get $g4) (local.get $next)) (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 3 16 16 16 7 16 16 16 11 16 16 16 15 16 16 16 (local.get $dd) (local.get $zero)))))))
            (local.set $r3 (local.get $next))
            (local.set $next
              (f32x4.add (local.get $r2)
                (f32x4.mul (f32x4.mul (local.get $g4) (local.get $next)) (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $dd) (local.get $zero)))))))
            (local.set $r2 (local.get $next))
            (local.set $next
              (f32x4.add (local.get $r1)
                (f32x4.mul (f32x4.mul (local.get $g4) (local.get $next)) (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $dd) (local.get $zero)))))))
            (local.set $r1 (local.get $next))
            (local.set $next
              (f32x4.add (local.get $r0)
                (f32x4.mul (f32x4.mul (local.get $g4) (local.get $next)) (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $dd) (local.get $zero)))))))
            (local.set $r0 (local.get $next))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $y1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $y2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $y3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (local.set $x0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y0) (local.get $y2)))
            (local.set $x1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y0) (local.get $y2)))
            (local.set $x2 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y1) (local.get $y3)))
            (local.set $x3 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y1) (local.get $y3)))
            (v128.store align=4 (i32.add (local.get $outp) (local.get $o0)) (local.get $x0))
            (v128.store align=4 (i32.add (local.get $outp) (local.get $o1)) (local.get $x1))
            (v128.store align=4 (i32.add (local.get $outp) (local.get $o2)) (local.get $x2))
            (v128.store align=4 (i32.add (local.get $outp) (local.get $o3)) (local.get $x3))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 4)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 4)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 4)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 4)))
            (local.set $n (i32.sub (local.get $n) (i32.const 4)))
            (br $block)))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.eqz (local.get $n)))
            (local.set $o0 (i32.shl (local.get $t0) (i32.const 2)))
            (local.set $o1 (i32.shl (local.get $t1) (i32.const 2)))
            (local.set $o2 (i32.shl (local.get $t2) (i32.const 2)))
            (local.set $o3 (i32.shl (local.get $t3) (i32.const 2)))
            (local.set $r0 (v128.load32_zero (i32.add (local.get $rp) (local.get $o0))))
            (local.set $r0 (v128.load32_lane 1 (i32.add (local.get $rp) (local.get $o1)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 2 (i32.add (local.get $rp) (local.get $o2)) (local.get $r0)))
            (local.set $r0 (v128.load32_lane 3 (i32.add (local.get $rp) (local.get $o3)) (local.get $r0)))
            (local.set $dd (i32x4.splat (i32.load8_u (i32.add (local.get $dp) (local.get $t0)))))
            (local.set $dd (i32x4.replace_lane 1 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t1)))))
            (local.set $dd (i32x4.replace_lane 2 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t2)))))
            (local.set $dd (i32x4.replace_lane 3 (local.get $dd) (i32.load8_u (i32.add (local.get $dp) (local.get $t3)))))
            (local.set $next
              (f32x4.add (local.get $r0)
                (f32x4.mul (f32x4.mul (local.get $g4) (local.get $next))
                  (f32x4.convert_i32x4_s (i32x4.sub (local.get $one) (local.get $dd))))))
            (v128.store32_lane 0 (i32.add (local.get $outp) (local.get $o0)) (local.get $next))
            (v128.store32_lane 1 (i32.add (local.get $outp) (local.get $o1)) (local.get $next))
            (v128.store32_lane 2 (i32.add (local.get $outp) (local.get $o2)) (local.get $next))
            (v128.store32_lane 3 (i32.add (local.get $outp) (local.get $o3)) (local.get $next))
            (local.set $t0 (i32.sub (local.get $t0) (i32.const 1)))
            (local.set $t1 (i32.sub (local.get $t1) (i32.const 1)))
            (local.set $t2 (i32.sub (local.get $t2) (i32.const 1)))
            (local.set $t3 (i32.sub (local.get $t3) (i32.const 1)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $step)))
        (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
          (local.get $t0) (local.get $s0) (f32x4.extract_lane 0 (local.get $next)) (local.get $g))
        (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
          (local.get $t1) (local.get $s1) (f32x4.extract_lane 1 (local.get $next)) (local.get $g))
        (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
          (local.get $t2) (local.get $s2) (f32x4.extract_lane 2 (local.get $next)) (local.get $g))
        (call $returnsTail (local.get $rp) (local.get $dp) (local.get $outp)
          (local.get $t3) (local.get $s3) (f32x4.extract_lane 3 (local.get $next)) (local.get $g))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $group)))
    (if (i32.lt_s (local.get $row) (local.get $to))
      (then
        (call $returns (local.get $rp) (local.get $dp) (local.get $bsp) (local.get $sp) (local.get $ep) (local.get $outp)
          (local.get $row) (local.get $to) (local.get $g)))))
  ;; </simd>
)
