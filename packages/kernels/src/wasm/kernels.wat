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
;; f32 bootstrap values per row (bsp), i32 row bounds (bp: numRows + 1 entries, row r is
;; [bounds[r], bounds[r + 1])), f32 outputs (ap, retp / outp). A call handles rows [from, to), so
;; threads can share one memory and split the rows.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; bounds[row]
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
  (func (export "gae")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $bsp i32) (param $bp i32)
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
        (local.set $start0 (call $bound (local.get $bp) (local.get $row)))
        (local.set $start1 (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $t0 (i32.sub (local.get $start1) (i32.const 1)))
        (local.set $t1
          (i32.sub (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 2))) (i32.const 1)))
        (local.set $nv0 (call $boot (local.get $bsp) (local.get $row)))
        (local.set $nv1 (call $boot (local.get $bsp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $na0 (f32.const 0))
        (local.set $na1 (f32.const 0))
        ;; n = min(length0, length1)
        (local.set $n (i32.sub (local.get $start1) (local.get $start0)))
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
              (i32.sub (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 1))) (i32.const 1))
              (call $bound (local.get $bp) (local.get $row))
              (call $boot (local.get $bsp) (local.get $row))
              (f32.const 0) (local.get $g) (local.get $gl))))))
    (i32.and
      (f32.eq (local.get $finite) (f32.const 0))
      (i32.eqz (i32.and (local.get $flags) (i32.const -2)))))

  ;; GAE with a 'skip' mask (`gaeRowsSkip`): positions with mask ≠ 1 get A = R = 0 and are
  ;; transparent; a done on them still cuts the link. Inputs were checked up front.
  (func (export "gaeSkip")
    (param $rp i32) (param $vp i32) (param $dp i32) (param $mp i32) (param $bsp i32) (param $bp i32)
    (param $ap i32) (param $retp i32) (param $from i32) (param $to i32) (param $g f32) (param $gl f32)
    (local $row i32) (local $start i32) (local $t i32) (local $o i32)
    (local $linked f32) (local $nv f32) (local $na f32) (local $v f32) (local $a f32)
    (local.set $row (local.get $from))
    (block $rowsDone
      (loop $nextRow
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $to)))
        (local.set $start (call $bound (local.get $bp) (local.get $row)))
        (local.set $t
          (i32.sub (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 1))) (i32.const 1)))
        (local.set $nv (call $boot (local.get $bsp) (local.get $row)))
        (local.set $na (f32.const 0))
        (local.set $linked (f32.const 1))
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
            (br $step)))
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

  (func (export "returns")
    (param $rp i32) (param $dp i32) (param $bsp i32) (param $bp i32) (param $outp i32)
    (param $from i32) (param $to i32) (param $g f32)
    (local $row i32) (local $n i32) (local $start0 i32) (local $start1 i32)
    (local $t0 i32) (local $t1 i32) (local $o0 i32) (local $o1 i32) (local $next0 f32) (local $next1 f32)
    (local.set $row (local.get $from))
    (block $pairsDone
      (loop $pair
        (br_if $pairsDone (i32.ge_s (i32.add (local.get $row) (i32.const 1)) (local.get $to)))
        (local.set $start0 (call $bound (local.get $bp) (local.get $row)))
        (local.set $start1 (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $t0 (i32.sub (local.get $start1) (i32.const 1)))
        (local.set $t1
          (i32.sub (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 2))) (i32.const 1)))
        (local.set $next0 (call $boot (local.get $bsp) (local.get $row)))
        (local.set $next1 (call $boot (local.get $bsp) (i32.add (local.get $row) (i32.const 1))))
        (local.set $n (i32.sub (local.get $start1) (local.get $start0)))
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
          (i32.sub (call $bound (local.get $bp) (i32.add (local.get $row) (i32.const 1))) (i32.const 1))
          (call $bound (local.get $bp) (local.get $row))
          (call $boot (local.get $bsp) (local.get $row))
          (local.get $g)))))
)
