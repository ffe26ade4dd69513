// Hand-written exact weight-stationary PE: the control row of bench/unit-area.ts. The same ports
// and registers as axgen's exact PE for 8-bit signed operands and a 24-bit accumulator (a shadow and
// an active weight loaded from the shadow, or from w_i when both happen in one cycle; the activation
// passed east, the partial sum passed south),
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
  input  wire [7:0]  w_i,
  input  wire        wswap_i,
  input  wire [7:0]  a_i,
  output wire [7:0]  a_o,
  input  wire [23:0] ps_i,
  output wire [23:0] ps_o
);
  reg [7:0]  w_shadow_q;
  reg [7:0]  w_active_q;
  reg [7:0]  a_q;
  reg [23:0] ps_q;

  wire [15:0] prod = $signed(a_i) * $signed(w_active_q);

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      w_shadow_q <= 8'd0;
      w_active_q <= 8'd0;
      a_q        <= 8'd0;
      ps_q       <= 24'd0;
    end else begin
      if (w_we_i) w_shadow_q <= w_i;
      // A swap in the same cycle as a shadow write takes the weight being written.
      if (wswap_i) begin
        if (w_we_i) w_active_q <= w_i;
        else        w_active_q <= w_shadow_q;
      end
      if (adv_i) begin
        a_q  <= a_i;
        ps_q <= ps_i + {{8{prod[15]}}, prod};
      end
    end
  end

  assign a_o  = a_q;
  assign ps_o = ps_q;
endmodule

`resetall
