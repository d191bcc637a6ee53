/*
 * fsrs.js: the FSRS spaced-repetition scheduler of py-fsrs, ported to JavaScript for the offline
 * study page, so that a card reviewed in the browser gets exactly the interval the Python CLI
 * (sciatica_quiz/store.py) would give it, and a card can move between the two as JSON.
 *
 * Port of py-fsrs 6.3.2 (fsrs/scheduler.py and fsrs/card.py), MIT License,
 * Copyright (c) 2022 Open Spaced Repetition, https://github.com/open-spaced-repetition/py-fsrs
 * (the licence text is in the fsrs-6.3.2.dist-info metadata). The scheduler is the one the CLI
 * builds: `fsrs.Scheduler(enable_fuzzing=False)`, every other setting left at its default
 * (FSRS-6 with 21 weights, desired retention 0.9, learning steps 1 and 10 minutes, relearning
 * step 10 minutes, maximum interval 36500 days, no fuzz).
 *
 * Plain ES2020, no imports: inlined as a classic <script> it defines the global `SciaticaFSRS`;
 * under Node.js it is also `module.exports`.
 *
 * Why this file does its own arithmetic
 * -------------------------------------
 * py-fsrs computes with `a ** b` on floats, which CPython hands to the C library's pow(). On
 * Linux that is glibc's pow, and on x86-64 CPUs with FMA (all since about 2013) glibc picks its
 * FMA build. JavaScript's Math.pow is not that function: V8's differs from it in the last bit
 * for about 9 % of the arguments the scheduler uses, and other engines differ again. One bit is
 * far below anything a student sees, but it makes stability and difficulty drift from Python's,
 * and an interval is rounded to whole days, so it could in principle flip. So this file carries
 * glibc's pow (the algorithm by Szabolcs Nagy, Arm, in glibc since 2.28 and in Arm's
 * optimized-routines under the MIT licence) evaluated step by step as the x86-64 FMA build
 * evaluates it, with every fused multiply-add emulated exactly. Its tables are regenerated from
 * their documented definitions and equal glibc's; its polynomial coefficients are glibc's.
 * The result: the same bits as CPython on that platform for every argument the scheduler uses,
 * in every JavaScript engine (only +, -, *, / are used, which IEEE 754 makes exact-rounded).
 * CPython on other platforms uses other pow()s, which can differ from glibc's in the last bit.
 *
 * Everything else mirrors py-fsrs operation by operation, in Python's evaluation order, with
 * Python's rounding (round half to even), Python's min/max tie rules, Python's timedelta
 * arithmetic (whole microseconds) and Python's float formatting in JSON (repr).
 *
 * Times
 * -----
 * Times are milliseconds since 1970-01-01 UTC, as Date.now() gives them. py-fsrs keeps datetimes
 * to the microsecond, though, and the CLI's clock fills them in, so a card also holds the 0-999
 * microseconds past each millisecond (`dueMicros`, `lastReviewMicros`): a card read from the CLI's
 * store and written back is unchanged, and "has a day passed since the last review" is decided to
 * the microsecond, as py-fsrs decides it. Every date py-fsrs can hold (years 1 to 9999) is exact.
 *
 * API
 *   newCard(cardId?, nowMs?)            a new card: Learning, step 0, due now
 *   reviewCard(card, rating, whenMs?)   {card, log}: the card after the review; `card` is unchanged
 *   reviewCardAt(card, rating, ms, us)  the same at a time with microseconds (a review from the CLI)
 *   preview(card, whenMs?)              {1: dueMs, 2: dueMs, 3: dueMs, 4: dueMs} for each rating
 *   retrievability(card, whenMs?)       py-fsrs get_card_retrievability
 *   cardToJSON(card)                    the text py-fsrs Card.to_json() writes for the card
 *   cardFromJSON(text)                  a card, read as py-fsrs Card.from_json() reads it
 *   formatIso(ms, micros?)              datetime.isoformat() of that UTC time
 *   parseIso(text)                      datetime.fromisoformat() as {ms, micros} in UTC
 * A card is a plain object {cardId, state, step, stability, difficulty, due, dueMicros,
 * lastReview, lastReviewMicros}: state 1 Learning, 2 Review, 3 Relearning; step is null in Review
 * (as py-fsrs makes cards); stability, difficulty and lastReview are null until the first review. Ratings: 1 Again, 2 Hard,
 * 3 Good, 4 Easy. Invalid input throws (TypeError, RangeError, SyntaxError) where py-fsrs raises.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.SciaticaFSRS = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  // -- IEEE 754 bits ---------------------------------------------------------------------------

  const view = new DataView(new ArrayBuffer(8)); // big-endian by default: word 0 is the high word

  function hiWord(x) {
    view.setFloat64(0, x);
    return view.getUint32(0);
  }

  function loWord(x) {
    view.setFloat64(0, x);
    return view.getUint32(4);
  }

  function fromWords(hi, lo) {
    view.setUint32(0, hi >>> 0);
    view.setUint32(4, lo >>> 0);
    return view.getFloat64(0);
  }

  // -- exact arithmetic ------------------------------------------------------------------------

  const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp)

  /** The rounding error of a * b (p = a * b as rounded), exactly (Dekker). */
  function productError(a, b, p) {
    let t = SPLITTER * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = SPLITTER * b;
    const bh = t - (t - b);
    const bl = b - bh;
    return al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  }

  /** x + y rounded to odd: exact if representable, else the neighbour with an odd last bit. */
  function addRoundToOdd(x, y) {
    const s = x + y;
    const v = s - x;
    const err = (x - (s - v)) + (y - v);
    if (err === 0 || (loWord(s) & 1) === 1) return s;
    // The exact sum lies strictly between s (even) and its neighbour on err's side, which is odd.
    const hi = hiWord(s);
    const lo = loWord(s);
    if ((s > 0) === (err > 0)) return fromWords(hi, lo + 1); // away from zero; lo is even: no carry
    return lo === 0 ? fromWords(hi - 1, 0xffffffff) : fromWords(hi, lo - 1); // toward zero
  }

  /**
   * a * b + c with one rounding, as the FMA instruction computes it. Boldo and Melquiond's
   * emulation (IEEE Trans. Computers 57(4), 2008): the exact product split in two, the big half
   * added to c exactly, the small remainder rounded to odd so the final rounding is the right one.
   * Exact for the finite, non-overflowing, non-subnormal operands that pow() gives it.
   */
  function fma(a, b, c) {
    const uh = a * b;
    const ul = productError(a, b, uh);
    const th = c + uh;
    const v = th - c;
    const tl = (c - (th - v)) + (uh - v);
    return th + addRoundToOdd(tl, ul);
  }

  // -- glibc pow -------------------------------------------------------------------------------

  // log part: log(x) = k*ln2 + log(c) + log1p(z/c - 1) for x = 2^k z, z in [OFF, 2*OFF).
  const OFF_HI = 0x3fe69555; // OFF = 0x3fe6955500000000, its low word is zero
  const LN2HI = 0.6931471805598903; // round(ln2 * 2^42) / 2^42
  const LN2LO = 5.497923018708371e-14; // ln2 - LN2HI, rounded
  // log1p(r) = r + A0 r^2 + ... with the coefficients pre-scaled as glibc's evaluation wants.
  const A0 = -0.5;
  const A1 = -0.6666666666666679;
  const A2 = 0.5000000000000007;
  const A3 = 0.7999999995323976;
  const A4 = -0.6666666663487739;
  const A5 = -1.142909628459501;
  const A6 = 1.0000415263675542;
  // 128 rows of [invc * 256, logc * 2^43, logctail] for subinterval i of z, where
  // 1/c = center < 1 ? round(128/center)/128 : round(256/center)/256 (center of the subinterval),
  // logc = round(2^43 * log(c)) / 2^43 and logctail = log(c) - logc rounded to a double.
  const LOG_TABLE = [
    362, -3047553914681, 5.929407345889625e-15, 360, -2998821972737, -2.544157440035963e-14,
    358, -2949818542251, -3.443525940775045e-14, 356, -2900540581311, -2.500123826022799e-15,
    354, -2850984996591, -8.929337133850617e-15, 352, -2801148642188, 1.7625431312172662e-14,
    350, -2751028318421, 1.5688303180062087e-15, 348, -2700620770601, 2.9655274673691784e-14,
    346, -2649922687760, 3.7923164802093147e-14, 344, -2598930701348, 3.993416384387844e-14,
    342, -2547641383889, 1.9352855826489123e-14, 342, -2547641383889, 1.9352855826489123e-14,
    340, -2496051247599, -1.9852665484979036e-14, 338, -2444156742963, -2.814323765595281e-14,
    336, -2391954257269, 2.7643769993528702e-14, 334, -2339440113097, -4.025092402293806e-14,
    332, -2286610566770, -1.2621729398885316e-14, 330, -2233461806746, -3.600176732637335e-15,
    330, -2233461806746, -3.600176732637335e-15, 328, -2179989951972, 1.3029797173308663e-14,
    326, -2126191050182, 4.8230289429940886e-14, 324, -2072061076143, -2.0592242769647135e-14,
    322, -2017595929852, 3.149265065191484e-14, 320, -1962791434666, 4.169796584527195e-14,
    320, -1962791434666, 4.169796584527195e-14, 318, -1907643335385, 2.2477465222466186e-14,
    316, -1852147296268, 3.6507188831790577e-16, 314, -1796298898987, -3.827767260205414e-14,
    314, -1796298898987, -3.827767260205414e-14, 312, -1740093640517, -4.7641388950792196e-14,
    310, -1683526930957, 4.9278276214647115e-14, 308, -1626594091278, 4.9485167661250996e-14,
    308, -1626594091278, 4.9485167661250996e-14, 306, -1569290351005, -1.5003333854266542e-14,
    304, -1511610845817, -2.7194441649495324e-14, 304, -1511610845817, -2.7194441649495324e-14,
    302, -1453550615067, -2.99659267292569e-14, 300, -1395104599224, 2.0472357800461955e-14,
    300, -1395104599224, 2.0472357800461955e-14, 298, -1336267637225, 3.879296723063646e-15,
    296, -1277034463743, -3.6506824353335045e-14, 294, -1217399706358, -5.4183331379008994e-14,
    294, -1217399706358, -5.4183331379008994e-14, 292, -1157357882633, 1.1729485484531301e-14,
    292, -1157357882633, 1.1729485484531301e-14, 290, -1096903397087, -3.811763084710266e-14,
    288, -1036030538072, 4.654729747598445e-14, 288, -1036030538072, 4.654729747598445e-14,
    286, -974733474526, -2.5799991283069902e-14, 284, -913006252631, 3.7700471749674615e-14,
    284, -913006252631, 3.7700471749674615e-14, 282, -850842792333, 1.7306161136093256e-14,
    282, -850842792333, 1.7306161136093256e-14, 280, -788236883755, -4.012913552726574e-14,
    278, -725182183473, 2.7541708360737882e-14, 278, -725182183473, 2.7541708360737882e-14,
    276, -661672210655, 5.0396178134370583e-14, 276, -661672210655, 5.0396178134370583e-14,
    274, -597700343068, 1.8195060030168815e-14, 272, -533259812934, 5.213620639136504e-14,
    272, -533259812934, 5.213620639136504e-14, 270, -468343702630, 2.532168943117445e-14,
    270, -468343702630, 2.532168943117445e-14, 268, -402944940235, -5.148849572685811e-14,
    268, -402944940235, -5.148849572685811e-14, 266, -337056294907, 4.6652946995830086e-15,
    266, -337056294907, 4.6652946995830086e-15, 264, -270670372080, -4.529814257790929e-14,
    264, -270670372080, -4.529814257790929e-14, 262, -203779608491, -4.361324067851568e-14,
    260, -136376267004, -1.7274567499706107e-15, 260, -136376267004, -1.7274567499706107e-15,
    258, -68452431240, -2.298941004620351e-14, 258, -68452431240, -2.298941004620351e-14,
    256, 0, 0.0, 256, 0, 0.0,
    254, 68989318537, -1.4902732911301337e-14, 252, 138524012839, -3.527980389655325e-14,
    250, 208612774290, -4.730054772033249e-14, 248, 279264503709, 7.580310369375161e-15,
    246, 350488318136, -4.9893776716773285e-14, 244, 422293557887, -2.262629393030674e-14,
    242, 494689793911, -2.345674491018699e-14, 241, 531112591387, -1.3352588834854848e-14,
    239, 604413790771, -3.765296820388875e-14, 237, 678330973839, 5.1128335719851986e-14,
    235, 752874581181, -5.046674438470119e-14, 234, 790384629590, 3.1218748807418837e-15,
    232, 865888037578, 3.3871241029241416e-14, 230, 942045162859, -1.7376727386423858e-14,
    229, 980372426210, 3.957125899799804e-14, 227, 1057531631697, -5.2849453521890294e-14,
    226, 1096366542559, -3.767012502308738e-14, 224, 1174554550910, 3.1859736349078334e-14,
    223, 1213910737471, 5.0900642926060466e-14, 221, 1293155354728, 8.710783796122478e-15,
    220, 1333047001433, 6.157896229122976e-16, 218, 1413377176379, 3.821577743916796e-14,
    217, 1453819054619, 3.9440046718453496e-14, 215, 1535264942273, 2.2924522154618074e-14,
    214, 1576272443223, -3.742530094732263e-14, 213, 1617472017477, -2.5223102140407338e-14,
    211, 1700454642576, -1.0320443688698849e-14, 210, 1742241386352, 1.0634128304268335e-14,
    208, 1826415167662, -4.3425422595242564e-14, 207, 1868806059453, -1.2527395755711364e-14,
    206, 1911402234814, -5.204008743405884e-14, 205, 1954205691649, -3.979844515951702e-15,
    203, 2040442588489, -4.7955860343296286e-14, 202, 2083880173169, 5.015686013791602e-16,
    201, 2127533329872, -7.252318953240293e-16, 200, 2171404208955, 2.4688324156011588e-14,
    198, 2259807898027, 5.465121253624792e-15, 197, 2304345173036, 4.102651071698446e-14,
    196, 2349109101821, -4.996736502345936e-14, 195, 2394102003103, 4.903580708156347e-14,
    194, 2439326231373, 5.089628039500759e-14, 193, 2484784177623, 1.1782016386565151e-14,
    191, 2576410975122, 4.727452940514406e-14, 190, 2622584797804, -4.4204083338755686e-14,
    189, 2669002282946, 1.548345993498083e-14, 188, 2715666015846, 2.1522127491642888e-14,
    187, 2762578623165, 1.1054030169005386e-14, 186, 2809742773817, -5.534326352070679e-14,
    185, 2857161179878, -5.351646604259541e-14, 184, 2904836597524, 5.4612144489920215e-14,
    183, 2952771827994, 2.8136969901227338e-14, 182, 3000969718572, -1.156568624616423e-14,
  ];

  // exp part: exp(x) = 2^(k/128) * exp(r), 2^(k/128) ~= H[k] * (1 + T[k]).
  const INV_LN2_N = 184.6649652337873; // 128 / ln2
  const NEG_LN2_HI_N = -0.005415212348111709; // -ln2 / 128, high part
  const NEG_LN2_LO_N = -1.2864023111638346e-14; // low part
  const SHIFT = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer
  const C2 = 0.49999999999996786;
  const C3 = 0.16666666666665886;
  const C4 = 0.0416666808410674;
  const C5 = 0.008333335853059549;
  // 128 rows of [H[k], T[k]]: H[k] = 2^(k/128) rounded, T[k] = 2^(k/128) / H[k] - 1 rounded.
  const EXP_TABLE = [
    1.0, 0.0, 1.0054299011128027, 9.447885451727066e-17,
    1.0108892860517005, -1.507066976926039e-17, 1.016378314910953, -5.679155082825012e-17,
    1.0218971486541166, 4.9997448722726326e-17, 1.0274459491187637, -4.823683599994895e-17,
    1.0330248790212284, 7.357846871247418e-18, 1.0386341019613787, 5.773230223741951e-17,
    1.0442737824274138, 8.189317638195515e-17, 1.0499440858006872, 5.326891139980878e-17,
    1.0556451783605572, 1.6665881442326747e-18, 1.061377227289262, -1.128113245461828e-17,
    1.0671404006768237, -7.402825309426177e-17, 1.0729348675259756, -3.578659767309563e-18,
    1.0787607977571199, -6.170654745608695e-17, 1.0846183622133092, 2.919139999949279e-17,
    1.0905077326652577, -2.7939114859515733e-17, 1.0964290818163769, -5.399285355184285e-17,
    1.102382583307841, 4.776959425256223e-17, 1.1083684117236787, -7.927701432338473e-17,
    1.1143867425958924, 9.341710609905046e-17, 1.1204377524096067, -5.534520675707472e-17,
    1.1265216186082418, 4.585670326662351e-17, 1.1326385195987192, 2.8582430411116143e-17,
    1.1387886347566916, 7.826573258636076e-17, 1.1449721444318042, 4.053626906769216e-17,
    1.1511892299529827, 2.823784425951061e-17, 1.1574400736337511, -7.882802262487991e-17,
    1.1637248587775775, 3.2904726646008416e-17, 1.1700437696832502, -1.5792094703347882e-18,
    1.1763969916502812, 4.721368121170128e-17, 1.182784710984341, 1.3045277096919659e-17,
    1.189207115002721, 3.3484623336251524e-17, 1.1956643920398273, 3.8611199774925664e-17,
    1.202156731452703, 5.527550048505249e-17, 1.2086843236265816, -3.927184172445234e-17,
    1.215247359980469, -6.346552106729483e-17, 1.2218460329727576, -8.684417614865944e-17,
    1.22848053610687, -1.5456342819397733e-17, 1.2351510639369334, -8.70763476495455e-17,
    1.241857812073484, 3.750854201303127e-17, 1.2486009771892048, -6.616854503526488e-17,
    1.255380757024691, -5.346099009198751e-18, 1.2621973503942507, -2.443726321015018e-17,
    1.2690509571917332, 2.1023049675215714e-18, 1.275941778396392, 7.771067937501065e-17,
    1.2828700160787783, 1.3357510088834541e-17, 1.2898358734066657, 6.938291696959204e-17,
    1.2968395546510096, 1.9572585293112036e-17, 1.3038812651919358, 6.632256961675804e-17,
    1.3109612115247644, -5.478069123926778e-17, 1.318079601266064, -4.140839310392624e-17,
    1.3252366431597413, -2.1571477251208752e-17, 1.3324325470831615, -3.8287766552120535e-17,
    1.339667524053303, 6.663804589232195e-17, 1.3469417862329458, 2.3936187400285282e-17,
    1.3542555469368927, 5.68648095791174e-17, 1.3616090206382248, 1.1264523354521684e-18,
    1.3690024229745905, 7.007875046906994e-17, 1.3764359707545302, -5.0119214278381254e-17,
    1.383909881963832, -4.8923067513522756e-17, 1.3914243757719262, -3.5260089953269434e-17,
    1.3989796725383112, -6.872303720902018e-17, 1.4065759938190154, 5.001446664133532e-18,
    1.4142135623730951, -6.835808657661922e-17, 1.4218926021691656, -1.1307344092910212e-17,
    1.42961333839197, -8.416011634717156e-18, 1.4373759974489824, -2.9247977035436566e-17,
    1.4451808069770467, -2.092304381843353e-17, 1.4530279958490526, -3.9778645875427124e-17,
    1.460917794180647, -3.833464968654295e-17, 1.4688504333369818, 5.763611164480894e-17,
    1.4768261459394993, -2.3591094770850053e-17, 1.4848451658727524, 7.260074661098575e-17,
    1.4929077282912648, 9.50689710108796e-18, 1.5010140696264256, -4.272956133839906e-17,
    1.5091644275934228, -6.735219232374683e-17, 1.5173590411982147, -2.8396044410430936e-17,
    1.5255981507445384, -7.226635472101257e-17, 1.533881997840956, 5.786121003395918e-17,
    1.5422108254079407, 5.1548301170786783e-17, 1.550584877685, -9.416257568878152e-18,
    1.559004400237837, 2.4253985766689806e-17, 1.567469639965553, -6.604314051707707e-17,
    1.5759808451078865, -6.432131775424189e-18, 1.5845382652524937, -1.2204007601863921e-17,
    1.593142151342267, -6.336161863401293e-17, 1.6017927556826934, -3.7800879246373815e-17,
    1.6104903319492543, 1.5341410053603723e-17, 1.6192351351948637, 1.2932855580427452e-17,
    1.6280274218573478, -4.123367330661149e-17, 1.6368674497669644, 4.703083974463456e-17,
    1.645755478153965, -6.152602891550265e-17, 1.6546917676561943, 5.827849326195279e-17,
    1.6636765803267364, 3.540948262646183e-17, 1.6727101796415966, -3.2741571320938764e-17,
    1.681792830507429, 4.875160526227062e-17, 1.6909247992693053, -5.718569790077838e-17,
    1.7001063537185235, -4.719539664590972e-18, 1.709337763100463, -5.773451958805706e-17,
    1.718619298122478, -1.0772487078934056e-17, 1.7279512309618377, -6.221808618533911e-17,
    1.7373338352737062, 1.821405440362259e-17, 1.746767386199169, -6.155536546227639e-17,
    1.7562521603732995, 1.685487290628973e-17, 1.7657884359332727, 5.3581249177694816e-17,
    1.7753764925265212, 3.621615935336894e-17, 1.785016611318935, 8.588379527574144e-18,
    1.7947090750031072, 1.01562190116415e-17, 1.804454167806624, -2.869134889187244e-17,
    1.8142521755003989, -5.495118966122005e-17, 1.8241033854070534, -5.56965572431627e-17,
    1.8340080864093424, 1.790126907604513e-17, 1.843966568958626, -3.2211766346200164e-17,
    1.8539791250833855, 5.265370768556274e-17, 1.864046048397789, 3.5089866402403033e-17,
    1.8741676341103, -3.266924100901318e-17, 1.8843441790323345, -4.3657593008079375e-17,
    1.8945759815869656, 1.7963932659833022e-17, 1.9048633418176741, 3.4300925275214166e-17,
    1.9152065613971474, -5.545065618639427e-17, 1.925605943636125, -5.149009745457733e-17,
    1.9360617934922943, 5.336805878514151e-17, 1.9465744175792332, 3.498978661192973e-17,
    1.9571441241754002, 4.5784915277060095e-17, 1.9677712232331759, -5.241934575393899e-17,
    1.978456026387951, 2.0414278897578303e-17, 1.9891988469672663, 4.124842848606488e-18,
  ];

  /** 2^m for an integer m in the normal range, built from its bits (exact in every engine). */
  function powerOfTwo(m) {
    return fromWords((m + 1023) << 20, 0);
  }

  /**
   * x ** y as glibc's pow computes it, for finite x > 0 and finite y != 0, in the order of the
   * x86-64 FMA build's instructions (`fma` where the compiler fused a multiply and an add).
   */
  function glibcPow(x, y) {
    let hx = hiWord(x);
    let lx = loWord(x);
    const topy = (hiWord(y) >>> 20) & 0x7ff;
    if (((topy - 0x3be) >>> 0) >= 0x43e - 0x3be) {
      if (x === 1) return 1.0;
      if (topy < 0x3be) return x > 1 ? 1.0 + y : 1.0 - y; // |y| < 2^-65
      throw new RangeError(`pow(${x}, ${y}) overflows or underflows`);
    }
    if (hx >>> 20 === 0) {
      // subnormal x: normalize, keeping the exponent in the (now negative) exponent bits
      const scaled = x * 4503599627370496; // 2^52
      hx = (hiWord(scaled) - (52 << 20)) | 0;
      lx = loWord(scaled);
    }

    // log_inline
    const tmp = (hx - OFF_HI) | 0;
    const i = (tmp >>> 13) & 127;
    const k = tmp >> 20;
    const z = fromWords(hx - (tmp & 0xfff00000), lx);
    const kd = k;
    const invc = LOG_TABLE[3 * i] / 256;
    const logc = LOG_TABLE[3 * i + 1] / 8796093022208; // 2^43
    const logctail = LOG_TABLE[3 * i + 2];
    const r = fma(z, invc, -1.0);
    const t1 = fma(kd, LN2HI, logc);
    const lo1 = fma(kd, LN2LO, logctail);
    const t2 = r + t1;
    const ar = r * A0;
    const ar2 = r * ar;
    const lo2 = t1 - t2 + r;
    const ar3 = r * ar2;
    const lo3 = fma(ar, r, -ar2);
    const hi = t2 + ar2;
    const lo4 = t2 - hi + ar2;
    const poly = fma(ar2, fma(ar2, fma(r, A6, A5), fma(r, A4, A3)), fma(r, A2, A1));
    const lo = fma(ar3, poly, lo1 + lo2 + lo3 + lo4);
    const logHi = hi + lo;
    const logLo = hi - logHi + lo;

    // y * log(x) as ehi + elo
    const ehi = y * logHi;
    const elo = fma(y, logLo, fma(y, logHi, -ehi));

    // exp_inline(ehi, elo)
    const abstop = (hiWord(ehi) >>> 20) & 0x7ff;
    if (((abstop - 0x3c9) >>> 0) >= 0x408 - 0x3c9) {
      if (abstop < 0x3c9) return 1.0 + ehi; // |ehi| < 2^-54
      throw new RangeError(`pow(${x}, ${y}) is outside the range this port evaluates`);
    }
    const n = fma(ehi, INV_LN2_N, SHIFT) - SHIFT; // the integer nearest ehi * 128 / ln2
    let rr = fma(n, NEG_LN2_LO_N, fma(n, NEG_LN2_HI_N, ehi));
    rr = elo + rr;
    const idx = ((n % 128) + 128) % 128;
    const scale = EXP_TABLE[2 * idx] * powerOfTwo((n - idx) / 128);
    const tail = EXP_TABLE[2 * idx + 1];
    const r2 = rr * rr;
    const p = fma(fma(rr, C5, C4), r2 * r2, fma(fma(rr, C3, C2), r2, rr + tail));
    return fma(scale, p, scale);
  }

  /** CPython's float ** float for the operands the scheduler uses (finite, base > 0). */
  function pow(x, y) {
    if (y === 0) return 1.0; // CPython answers these itself, before calling pow()
    if (x === 1) return 1.0;
    if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`pow(${x}, ${y}) is outside what the scheduler computes`);
    }
    return glibcPow(x, y);
  }

  // -- Python semantics ------------------------------------------------------------------------

  /** Python's round(x) for a float: to the nearest integer, halves to even. */
  function pyRound(x) {
    if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x} to an integer`);
    const f = Math.floor(x);
    const diff = x - f; // exact
    if (diff > 0.5) return f + 1;
    if (diff < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }

  /** Python's repr(float), which json.dumps writes: shortest round-trip digits, Python's layout. */
  function pyFloatRepr(x) {
    if (Number.isNaN(x)) return "NaN";
    if (x === Infinity) return "Infinity";
    if (x === -Infinity) return "-Infinity";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const sign = x < 0 ? "-" : "";
    // JavaScript's Number-to-String gives the same shortest, nearest digits; only the layout differs.
    let text = String(Math.abs(x));
    let exp = 0;
    const e = text.indexOf("e");
    if (e >= 0) {
      exp = Number(text.slice(e + 1));
      text = text.slice(0, e);
    }
    const dot = text.indexOf(".");
    let digits = dot >= 0 ? text.slice(0, dot) + text.slice(dot + 1) : text;
    let decpt = (dot >= 0 ? dot : text.length) + exp; // value = 0.DIGITS * 10^decpt
    const lead = digits.length - digits.replace(/^0+/, "").length;
    digits = digits.slice(lead).replace(/0+$/, "");
    decpt -= lead;
    if (decpt <= -4 || decpt > 16) {
      const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
      const e10 = decpt - 1;
      return `${sign}${mantissa}e${e10 < 0 ? "-" : "+"}${String(Math.abs(e10)).padStart(2, "0")}`;
    }
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }

  /** list[i] with Python's negative indices; IndexError becomes a RangeError. */
  function pyIndex(list, i) {
    const j = i < 0 ? i + list.length : i;
    if (j < 0 || j >= list.length) throw new RangeError(`step ${i} is not a step of this scheduler`);
    return list[j];
  }

  /** a // b for integers (floor division), exact for safe integers. */
  function floorDiv(a, b) {
    let q = Math.floor(a / b);
    const rem = a - q * b;
    if (rem < 0) q -= 1;
    else if (rem >= b) q += 1;
    return q;
  }

  /** timedelta(microseconds=us) * num / den, rounded to whole microseconds half to even. */
  function scaleTimedelta(us, num, den) {
    const q = floorDiv(us * num, den);
    const twice = 2 * (us * num - q * den);
    if (twice > den || (twice === den && q % 2 !== 0)) return q + 1;
    return q;
  }

  // -- datetimes: milliseconds since 1970-01-01T00:00:00Z, plus 0-999 microseconds ------------

  const US_PER_SECOND = 1000000;
  const MS_PER_DAY = 86400000;
  const US_PER_DAY = MS_PER_DAY * 1000; // intervals (at most 36500 days) are exact in microseconds
  const MIN_MS = -62135596800000; // datetime.min, 0001-01-01T00:00:00Z
  const MAX_MS = 253402300799999; // datetime.max, 9999-12-31T23:59:59.999999Z, less its microseconds

  function checkInstant(ms, micros, what) {
    if (!Number.isInteger(ms) || !Number.isInteger(micros) || micros < 0 || micros > 999) {
      throw new TypeError(`${what} must be whole milliseconds plus 0-999 microseconds`);
    }
    if (ms < MIN_MS || ms > MAX_MS) throw new RangeError(`${what} is out of datetime's range (years 1-9999)`);
  }

  /** (a - b).days for instants given as (ms, micros): whole days, floored, as timedelta has it. */
  function daysBetween(aMs, aMicros, bMs, bMicros) {
    let days = floorDiv(aMs - bMs, MS_PER_DAY);
    const restUs = (aMs - bMs - days * MS_PER_DAY) * 1000 + (aMicros - bMicros);
    if (restUs < 0) days -= 1;
    else if (restUs >= US_PER_DAY) days += 1;
    return days;
  }

  /** The instant (ms, micros) plus a whole number of microseconds, as [ms, micros]. */
  function addMicroseconds(ms, micros, us, what) {
    const wholeMs = floorDiv(us, 1000);
    let sum = ms + wholeMs;
    let rest = micros + (us - wholeMs * 1000);
    if (rest >= 1000) {
      sum += 1;
      rest -= 1000;
    }
    checkInstant(sum, rest, what); // py-fsrs raises OverflowError past year 9999 too
    return [sum, rest];
  }

  function daysFromCivil(y, m, d) {
    const yy = m <= 2 ? y - 1 : y;
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function civilFromDays(days) {
    const zz = days + 719468;
    const era = Math.floor(zz / 146097);
    const doe = zz - era * 146097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }

  function pad(n, width) {
    return String(n).padStart(width, "0");
  }

  /** datetime.isoformat() of an aware UTC datetime: microseconds shown only when not zero. */
  function formatIso(ms, micros = 0) {
    checkInstant(ms, micros, "the time");
    const days = floorDiv(ms, MS_PER_DAY);
    const inDay = ms - days * MS_PER_DAY;
    const [y, m, d] = civilFromDays(days);
    const secs = Math.floor(inDay / 1000);
    const fraction = (inDay - secs * 1000) * 1000 + micros;
    const hms = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
    return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${hms}${fraction ? `.${pad(fraction, 6)}` : ""}+00:00`;
  }

  const ISO = new RegExp(
    "^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2})(?::(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?)?" +
      "(?:(Z)|([+-])(\\d{2}):?(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?)$",
  );

  function microsOf(digits) {
    // Python reads up to 6 digits of a fraction of a second and drops the rest
    return digits ? Number(digits.slice(0, 6).padEnd(6, "0")) : 0;
  }

  /**
   * datetime.fromisoformat(text) as {ms, micros} in UTC, for the extended ISO 8601 forms Python
   * 3.11 reads. A UTC offset is required: py-fsrs cards hold aware datetimes only.
   */
  function parseIso(text) {
    const m = typeof text === "string" ? ISO.exec(text) : null;
    if (!m) throw new SyntaxError(`not an ISO datetime with a UTC offset: ${JSON.stringify(text)}`);
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((j) => Number(m[j] || 0));
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1] || h > 23 || mi > 59 || s > 59) {
      throw new RangeError(`not a valid date and time: ${JSON.stringify(text)}`);
    }
    let offsetUs = 0;
    if (!m[8]) {
      const [oh, om, os] = [10, 11, 12].map((j) => Number(m[j] || 0));
      offsetUs = ((oh * 60 + om) * 60 + os) * US_PER_SECOND + microsOf(m[13]);
      if (om > 59 || os > 59 || offsetUs >= US_PER_DAY) {
        throw new RangeError(`not a valid UTC offset: ${JSON.stringify(text)}`);
      }
      if (m[9] === "-") offsetUs = -offsetUs;
    }
    const local = daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000;
    const subUs = microsOf(m[7]) - offsetUs;
    const wholeMs = floorDiv(subUs, 1000);
    const instant = { ms: local + wholeMs, micros: subUs - wholeMs * 1000 };
    checkInstant(instant.ms, instant.micros, `the time ${text}`);
    return instant;
  }

  // -- the scheduler (py-fsrs Scheduler with enable_fuzzing=False and default settings) --------

  const State = Object.freeze({ LEARNING: 1, REVIEW: 2, RELEARNING: 3 });
  const Rating = Object.freeze({ AGAIN: 1, HARD: 2, GOOD: 3, EASY: 4 });

  const PARAMETERS = Object.freeze([
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
  ]);
  const DESIRED_RETENTION = 0.9;
  const LEARNING_STEPS_US = Object.freeze([60 * US_PER_SECOND, 600 * US_PER_SECOND]);
  const RELEARNING_STEPS_US = Object.freeze([600 * US_PER_SECOND]);
  const MAXIMUM_INTERVAL = 36500;
  const STABILITY_MIN = 0.001;
  const MIN_DIFFICULTY = 1.0;
  const MAX_DIFFICULTY = 10.0;

  const W = PARAMETERS;
  const DECAY = -W[20];
  const FACTOR = pow(0.9, 1 / DECAY) - 1;

  // Python's min(a, b) keeps a unless b < a; max(a, b) keeps a unless b > a.
  function clampDifficulty(difficulty) {
    const atLeast = MIN_DIFFICULTY > difficulty ? MIN_DIFFICULTY : difficulty;
    return MAX_DIFFICULTY < atLeast ? MAX_DIFFICULTY : atLeast;
  }

  function clampStability(stability) {
    return STABILITY_MIN > stability ? STABILITY_MIN : stability;
  }

  function initialStability(rating) {
    return clampStability(W[rating - 1]);
  }

  function initialDifficulty(rating, clamp) {
    const difficulty = W[4] - pow(Math.E, W[5] * (rating - 1)) + 1;
    return clamp ? clampDifficulty(difficulty) : difficulty;
  }

  function nextInterval(stability) {
    let days = pyRound((stability / FACTOR) * (pow(DESIRED_RETENTION, 1 / DECAY) - 1));
    days = 1 > days ? 1 : days;
    return MAXIMUM_INTERVAL < days ? MAXIMUM_INTERVAL : days;
  }

  function shortTermStability(stability, rating) {
    let increase = pow(Math.E, W[17] * (rating - 3 + W[18])) * pow(stability, -W[19]);
    if (rating !== Rating.AGAIN) increase = 1.0 > increase ? 1.0 : increase;
    return clampStability(stability * increase);
  }

  function nextDifficulty(difficulty, rating) {
    const arg1 = initialDifficulty(Rating.EASY, false);
    const delta = -(W[6] * (rating - 3));
    const arg2 = difficulty + ((10.0 - difficulty) * delta) / 9.0;
    return clampDifficulty(W[7] * arg1 + (1 - W[7]) * arg2);
  }

  function nextForgetStability(difficulty, stability, retrievability) {
    const longTerm =
      W[11] *
      pow(difficulty, -W[12]) *
      (pow(stability + 1, W[13]) - 1) *
      pow(Math.E, (1 - retrievability) * W[14]);
    const shortTerm = stability / pow(Math.E, W[17] * W[18]);
    return shortTerm < longTerm ? shortTerm : longTerm;
  }

  function nextRecallStability(difficulty, stability, retrievability, rating) {
    const hardPenalty = rating === Rating.HARD ? W[15] : 1;
    const easyBonus = rating === Rating.EASY ? W[16] : 1;
    return (
      stability *
      (1 +
        pow(Math.E, W[8]) *
          (11 - difficulty) *
          pow(stability, -W[9]) *
          (pow(Math.E, (1 - retrievability) * W[10]) - 1) *
          hardPenalty *
          easyBonus)
    );
  }

  function nextStability(difficulty, stability, retrievability, rating) {
    const next =
      rating === Rating.AGAIN
        ? nextForgetStability(difficulty, stability, retrievability)
        : nextRecallStability(difficulty, stability, retrievability, rating);
    return clampStability(next);
  }

  /** py-fsrs get_card_retrievability at the instant (ms, micros). */
  function retrievabilityAt(card, ms, micros) {
    if (card.lastReview === null || card.stability === null) return 0;
    const days = daysBetween(ms, micros, card.lastReview, card.lastReviewMicros);
    const elapsed = 0 > days ? 0 : days;
    return pow(1 + (FACTOR * elapsed) / card.stability, DECAY);
  }

  function checkRating(rating) {
    if (![1, 2, 3, 4].includes(rating)) throw new RangeError(`${rating} is not a valid Rating`);
    return rating;
  }

  function checkCard(card) {
    if (!card || typeof card !== "object") throw new TypeError("not a card");
    if (!Number.isSafeInteger(card.cardId)) throw new TypeError("card.cardId must be a whole number");
    if (![1, 2, 3].includes(card.state)) throw new RangeError(`${card.state} is not a valid State`);
    if (card.step !== null && !Number.isSafeInteger(card.step)) throw new TypeError("card.step must be a whole number or null");
    for (const key of ["stability", "difficulty"]) {
      if (card[key] !== null && typeof card[key] !== "number") throw new TypeError(`card.${key} must be a number or null`);
    }
    checkInstant(card.due, card.dueMicros, "card.due");
    if (card.lastReview !== null) checkInstant(card.lastReview, card.lastReviewMicros, "card.lastReview");
    return card;
  }

  /** Graduate the card to Review, with the interval its stability gives. */
  function toReview(card) {
    card.state = State.REVIEW;
    card.step = null;
    return nextInterval(card.stability) * US_PER_DAY;
  }

  /** The (re)learning-steps part of review_card, the same for Learning and Relearning cards. */
  function stepInterval(card, rating, steps) {
    if (steps.length === 0 || (card.step >= steps.length && rating !== Rating.AGAIN)) {
      return toReview(card); // a card left past the last step by a scheduler with more steps
    }
    switch (rating) {
      case Rating.AGAIN:
        card.step = 0;
        return pyIndex(steps, card.step);
      case Rating.HARD:
        if (card.step === 0 && steps.length === 1) return scaleTimedelta(steps[0], 3, 2); // * 1.5
        if (card.step === 0 && steps.length >= 2) return scaleTimedelta(steps[0] + steps[1], 1, 2); // / 2.0
        return pyIndex(steps, card.step);
      case Rating.GOOD:
        if (card.step + 1 === steps.length) return toReview(card);
        card.step += 1;
        return pyIndex(steps, card.step);
      default:
        return toReview(card);
    }
  }

  /** py-fsrs Scheduler.review_card at the instant (ms, micros): the CLI's clock has microseconds. */
  function reviewCardAt(card, rating, ms, micros) {
    checkCard(card);
    checkRating(rating);
    checkInstant(ms, micros, "the review time");
    const next = { ...card }; // review_card works on a copy too
    const days = next.lastReview === null ? null : daysBetween(ms, micros, next.lastReview, next.lastReviewMicros);
    const sameDay = days !== null && days < 1;
    let interval; // microseconds, as a timedelta

    if (next.state === State.REVIEW) {
      if (next.stability === null || next.difficulty === null) throw new TypeError("a Review card needs stability and difficulty");
      next.stability = sameDay
        ? shortTermStability(next.stability, rating)
        : nextStability(next.difficulty, next.stability, retrievabilityAt(next, ms, micros), rating);
      next.difficulty = nextDifficulty(next.difficulty, rating);
      if (rating === Rating.AGAIN && RELEARNING_STEPS_US.length > 0) {
        next.state = State.RELEARNING;
        next.step = 0;
        interval = RELEARNING_STEPS_US[next.step];
      } else {
        interval = nextInterval(next.stability) * US_PER_DAY;
      }
    } else {
      if (next.step === null) throw new TypeError("a Learning or Relearning card needs a step");
      const learning = next.state === State.LEARNING;
      if (learning && (next.stability === null || next.difficulty === null)) {
        next.stability = initialStability(rating);
        next.difficulty = initialDifficulty(rating, true);
      } else {
        if (next.stability === null || next.difficulty === null) throw new TypeError("a Relearning card needs stability and difficulty");
        next.stability = sameDay
          ? shortTermStability(next.stability, rating)
          : nextStability(next.difficulty, next.stability, retrievabilityAt(next, ms, micros), rating);
        next.difficulty = nextDifficulty(next.difficulty, rating);
      }
      interval = stepInterval(next, rating, learning ? LEARNING_STEPS_US : RELEARNING_STEPS_US);
    }

    [next.due, next.dueMicros] = addMicroseconds(ms, micros, interval, "the due time");
    next.lastReview = ms;
    next.lastReviewMicros = micros;
    const log = { cardId: next.cardId, rating, review: ms, reviewMicros: micros, reviewDuration: null };
    return { card: next, log };
  }

  function toMs(whenMs) {
    const isDate = Object.prototype.toString.call(whenMs) === "[object Date]"; // from any window
    const ms = whenMs === undefined ? Date.now() : isDate ? whenMs.getTime() : whenMs;
    checkInstant(ms, 0, "the time");
    return ms;
  }

  // -- public API ------------------------------------------------------------------------------

  /** A new card, as py-fsrs Card(card_id=cardId) makes it: Learning, step 0, due now. */
  function newCard(cardId, nowMs) {
    const id = cardId === undefined || cardId === null ? Date.now() : cardId; // py-fsrs: epoch ms
    if (!Number.isSafeInteger(id)) throw new TypeError("cardId must be a whole number");
    return {
      cardId: id,
      state: State.LEARNING,
      step: 0,
      stability: null,
      difficulty: null,
      due: toMs(nowMs),
      dueMicros: 0,
      lastReview: null,
      lastReviewMicros: 0,
    };
  }

  /** Review a card with a rating (1-4) at whenMs (default: now); returns {card, log}. */
  function reviewCard(card, rating, whenMs) {
    return reviewCardAt(card, rating, toMs(whenMs), 0);
  }

  /**
   * When the card would be due after each rating given at whenMs (default: now), as
   * {1: ms, 2: ms, 3: ms, 4: ms}. The steps and intervals are whole milliseconds, so these are exact.
   */
  function preview(card, whenMs) {
    const ms = toMs(whenMs);
    const due = {};
    for (const rating of [1, 2, 3, 4]) due[rating] = reviewCardAt(card, rating, ms, 0).card.due;
    return due;
  }

  /** py-fsrs Scheduler.get_card_retrievability at whenMs (default: now). */
  function retrievability(card, whenMs) {
    checkCard(card);
    return retrievabilityAt(card, toMs(whenMs), 0);
  }

  function jsonFloat(value) {
    return value === null ? "null" : pyFloatRepr(value);
  }

  /** The exact text py-fsrs Card.to_json() writes for this card. */
  function cardToJSON(card) {
    checkCard(card);
    const lastReview = card.lastReview === null ? "null" : JSON.stringify(formatIso(card.lastReview, card.lastReviewMicros));
    const fields = [
      `"card_id": ${card.cardId}`,
      `"state": ${card.state}`,
      `"step": ${card.step === null ? "null" : card.step}`,
      `"stability": ${jsonFloat(card.stability)}`,
      `"difficulty": ${jsonFloat(card.difficulty)}`,
      `"due": ${JSON.stringify(formatIso(card.due, card.dueMicros))}`,
      `"last_review": ${lastReview}`,
    ];
    return `{${fields.join(", ")}}`;
  }

  function pyInt(value, what) {
    // int() of what json.loads gives: a whole number, or a float cut toward zero
    if (typeof value === "number" && Number.isFinite(value)) {
      const n = Math.trunc(value);
      if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
    }
    throw new TypeError(`${what} must be a whole number, got ${JSON.stringify(value)}`);
  }

  function optionalFloat(value, what) {
    // py-fsrs reads `float(x) if x else None`: 0 reads as None, like null
    if (value === null || value === 0 || value === false) return null;
    if (typeof value === "number") return value;
    throw new TypeError(`${what} must be a number or null, got ${JSON.stringify(value)}`);
  }

  /**
   * A card from the text of py-fsrs Card.to_json(), read as Card.from_json() reads it. Dates may
   * carry any UTC offset (the card holds them in UTC, so cardToJSON writes +00:00); values that
   * to_json() never writes (strings for numbers, naive dates) are refused rather than guessed at.
   */
  function cardFromJSON(text) {
    const source = JSON.parse(text);
    if (!source || typeof source !== "object" || Array.isArray(source)) throw new TypeError("not a card JSON object");
    for (const key of ["card_id", "state", "step", "stability", "difficulty", "due", "last_review"]) {
      if (!(key in source)) throw new TypeError(`the card JSON has no "${key}"`);
    }
    const state = pyInt(source.state, "state");
    if (![1, 2, 3].includes(state)) throw new RangeError(`${state} is not a valid State`);
    let step = source.step;
    if (step !== null && !Number.isSafeInteger(step)) throw new TypeError(`step must be a whole number or null, got ${JSON.stringify(step)}`);
    if (state === State.LEARNING && step === null) step = 0;
    const due = parseIso(source.due);
    const lastReview = source.last_review ? parseIso(source.last_review) : null;
    return {
      cardId: pyInt(source.card_id, "card_id"),
      state,
      step,
      stability: optionalFloat(source.stability, "stability"),
      difficulty: optionalFloat(source.difficulty, "difficulty"),
      due: due.ms,
      dueMicros: due.micros,
      lastReview: lastReview ? lastReview.ms : null,
      lastReviewMicros: lastReview ? lastReview.micros : 0,
    };
  }

  return Object.freeze({
    PY_FSRS_VERSION: "6.3.2",
    State,
    Rating,
    // py-fsrs Scheduler.to_dict() of the scheduler this port is
    SCHEDULER: Object.freeze({
      parameters: PARAMETERS,
      desired_retention: DESIRED_RETENTION,
      learning_steps: Object.freeze(LEARNING_STEPS_US.map((us) => us / US_PER_SECOND)),
      relearning_steps: Object.freeze(RELEARNING_STEPS_US.map((us) => us / US_PER_SECOND)),
      maximum_interval: MAXIMUM_INTERVAL,
      enable_fuzzing: false,
    }),
    newCard,
    reviewCard,
    reviewCardAt,
    preview,
    retrievability,
    cardToJSON,
    cardFromJSON,
    formatIso,
    parseIso,
    // for the tests that hold this port to py-fsrs and to CPython
    _internal: Object.freeze({ pow, fma, pyRound, pyFloatRepr, reviewCardAt, FACTOR }),
  });
});
