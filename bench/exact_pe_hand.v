// Hand-written exact weight-stationary PE: the control row of bench/unit-area.ts. The same ports
// and registers as axgen's exact PE for 8-bit signed operands and a 24-bit accumulator (two weight
// banks written by w_we_i / w_bank_i, the activation's bank bit b_i selecting one; the activation
// and its bank bit passed east, the partial sum passed south),
// written the obvious way: a 16-bit signed product, sign-extended and added to the partial sum.
// Not generated; axgen never emits this file. (bench/exact_pe_hand_macc.v is the same PE with the
// multiply-add as one signed expression, which Yosys 0.23 builds larger.)
`resetall
`default_nettype none

module exact_pe_hand (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        adv_i,
  input  wire        w_we_i,
  input  wire        w_bank_i,
  input  wire [7:0]  w_i,
  input  wire [7:0]  a_i,
  input  wire        b_i,
  output wire [7:0]  a_o,
  output wire        b_o,
  input  wire [23:0] ps_i,
  output wire [23:0] ps_o
);
  reg [7:0]  w0_q;
  reg [7:0]  w1_q;
  reg [7:0]  a_q;
  reg        b_q;
  reg [23:0] ps_q;

  // The activation's bank bit picks the weight of its own fold.
  wire [7:0]  w = b_i ? w1_q : w0_q;
  wire [15:0] prod = $signed(a_i) * $signed(w);

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      w0_q <= 8'd0;
      w1_q <= 8'd0;
      a_q  <= 8'd0;
      b_q  <= 1'b0;
      ps_q <= 24'd0;
    end else begin
      if (w_we_i && !w_bank_i) w0_q <= w_i;
      if (w_we_i && w_bank_i) w1_q <= w_i;
      if (adv_i) begin
        a_q  <= a_i;
        b_q  <= b_i;
        ps_q <= ps_i + {{8{prod[15]}}, prod};
      end
    end
  end

  assign a_o  = a_q;
  assign b_o  = b_q;
  assign ps_o = ps_q;
endmodule

`resetall
