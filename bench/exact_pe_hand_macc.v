// Hand-written exact weight-stationary PE, second control row of bench/unit-area.ts: exact_pe_hand.v
// with the multiply-add written as one signed expression, $signed(ps_i) + $signed(a) * $signed(w).
// Yosys 0.23 builds this form larger than the separate product (see README, "Area of one PE").
// Not generated; axgen never emits this file.
`resetall
`default_nettype none

module exact_pe_hand_macc (
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
        ps_q <= $signed(ps_i) + $signed(a_i) * $signed(w_active_q);
      end
    end
  end

  assign a_o  = a_q;
  assign ps_o = ps_q;
endmodule

`resetall
